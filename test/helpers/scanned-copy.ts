// Test-only: real runs copied into a temp dir, aged (so no run looks active and copy order decides nothing about
// what is newest), and scanned into the test's own catalog; the CLI bound to that catalog.
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { runCliInProcess } from "./run-cli-in-process.ts";
import { snapshotTree } from "./tree-snapshot.ts";

/** Every file two hours old or more, later names newer. */
export function ageFiles(root: string): void {
  const files = snapshotTree(root).filter((entry) => entry.type === "file");
  const start = Date.now() - 2 * 3_600_000;
  files.forEach((file, at) => {
    const time = new Date(start + at * 1000);
    utimesSync(join(root, file.path), time, time);
  });
}

export type ScannedCopy = {
  readonly dir: string;
  readonly root: string;
  readonly catalog: string;
  readonly cli: (...args: string[]) => ReturnType<typeof runCliInProcess>;
};

/**
 * `<dir>/runs`, filled by `copy` (given the root), aged unless `fresh` (then its runs look active), scanned with
 * sidecars written into `<dir>/catalog.db`; a failed scan throws.
 */
export async function scannedCopy(
  dir: string,
  copy: (root: string) => void,
  options: { readonly fresh?: boolean | undefined } = {},
): Promise<ScannedCopy> {
  const root = join(dir, "runs");
  copy(root);
  if (options.fresh !== true) ageFiles(root);
  const catalog = join(dir, "catalog.db");
  const cli = (...args: string[]) =>
    runCliInProcess([...args, "--catalog", catalog], { cwd: dir, now: Date.now() });
  const scan = await cli("scan", root);
  if (scan.exitCode !== 0) throw new Error(scan.stderr);
  return { dir, root, catalog, cli };
}
