import { Database } from "bun:sqlite";
// `ckpt du` against coreutils `du` on the same trees: the framework-written runs (symlinked last.ckpt included), an
// HF checkpoint-N directory, a hard link and a sparse file, with sidecars written by `ckpt scan`.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  closeSync,
  cpSync,
  existsSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  openSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { DuReport } from "../../src/core/disk/disk-usage.ts";
import { sidecarPathFor } from "../../src/core/metadata/sidecar-path.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { snapshotTree } from "../helpers/tree-snapshot.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

function coreutilsDu(args: readonly string[], paths: readonly string[]): number {
  const result = Bun.spawnSync(["du", "-B1", "-c", ...args, "--", ...paths], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (result.exitCode !== 0) throw new Error(result.stderr.toString());
  const total = result.stdout.toString().trim().split("\n").at(-1) ?? "";
  return Number(total.split("\t")[0]);
}

function buildTree(root: string): void {
  cpSync(realFixtureRoot, join(root, "real"), { recursive: true, verbatimSymlinks: true });
  cpSync(join(realFixtureRoot, "..", "runs", "hf-trainer"), join(root, "hf"), { recursive: true });
  const model = join(root, "real/torch/resnet_tiny_state_dict.pt");
  linkSync(model, join(root, "real/torch/resnet_tiny_state_dict_copy.pt"));
  // 16 MiB long, one page written: allocated a few KB, apparent 16 MiB.
  const sparse = openSync(join(root, "real/torch/sparse.pt"), "w");
  writeSync(sparse, Buffer.from("PK\u0003\u0004 not a real checkpoint"));
  ftruncateSync(sparse, 16 * 1024 * 1024);
  closeSync(sparse);
}

function catalogRows(catalog: string): number {
  using database = new Database(catalog, { readonly: true });
  return database.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM checkpoints").get()?.n ?? -1;
}

async function du(root: string, catalog: string, ...args: string[]): Promise<DuReport> {
  const result = await runCliInProcess(["du", root, "--catalog", catalog, "--json", ...args], { cwd: root });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as DuReport;
}

describe("ckpt du", () => {
  test("totals equal du -B1 and du -B1 --apparent-size over the same checkpoints and sidecars", async () => {
    using dir = makeTempDir("du");
    const root = join(dir.path, "runs");
    buildTree(root);
    const catalog = join(dir.path, "catalog.db");
    const scan = await runCliInProcess(["scan", root, "--catalog", catalog], { cwd: root });
    expect(scan.exitCode).toBe(0);
    const report = await du(root, catalog);
    const checkpoints = report.roots.flatMap((entry) => entry.runs.flatMap((run) => run.checkpoints));
    // Every catalogued checkpoint, as the scan counted them (the fixture folder grows with new formats).
    expect(checkpoints.length).toBe(catalogRows(catalog));
    expect(checkpoints.length).toBeGreaterThan(30);
    const paths = checkpoints.map((checkpoint) => checkpoint.path).sort();
    // A file checkpoint's sidecar lies beside it; a directory checkpoint's is inside it.
    const withSidecars = paths.flatMap((path) => {
      const sidecar = sidecarPathFor(path);
      return lstatSync(path).isDirectory() || !existsSync(sidecar) ? [path] : [path, sidecar];
    });
    expect(withSidecars.length).toBeGreaterThan(paths.length + 20);
    expect(report.roots[0]?.apparent_bytes).toBe(coreutilsDu(["--apparent-size"], withSidecars));
    expect(report.roots[0]?.allocated_bytes).toBe(coreutilsDu([], withSidecars));
    expect(report.allocated_bytes).toBe(report.roots[0]?.allocated_bytes ?? -1);
    const sparse = checkpoints.find((checkpoint) => checkpoint.path.endsWith("sparse.pt"));
    expect(sparse?.apparent_bytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(sparse?.allocated_bytes).toBeLessThan(1024 * 1024);
    const links = checkpoints.filter((checkpoint) => checkpoint.path.includes("resnet_tiny_state_dict"));
    expect(links.map((link) => link.apparent_bytes > 0)).toEqual([true, false]);
  });

  test("biggest first at every level; the text table and CSV say the same; nothing is written", async () => {
    using dir = makeTempDir("du-order");
    const root = join(dir.path, "runs");
    buildTree(root);
    const catalog = join(dir.path, "catalog.db");
    await runCliInProcess(["scan", root, "--catalog", catalog, "--sidecars", "off"], { cwd: root });
    const before = snapshotTree(root);
    const report = await du(root, catalog);
    const runs = report.roots[0]?.runs ?? [];
    const sizes = runs.map((run) => run.allocated_bytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    for (const run of runs) {
      const inRun = run.checkpoints.map((checkpoint) => checkpoint.allocated_bytes);
      expect(inRun).toEqual([...inRun].sort((a, b) => b - a));
    }
    const text = await runCliInProcess(["du", root, "--catalog", catalog, "--no-scan"], { cwd: root });
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("allocated   apparent  checkpoints  path");
    expect(lines[1]).toEndWith(`${catalogRows(catalog)}  .`);
    expect(lines.length).toBe(2 + runs.length + 1);
    expect(lines.at(-1)).toMatch(/^ *[\d.]+ [KMGTP]?B free of [\d.]+ [KMGTP]?B on \/.* \(\.\)$/);
    const csv = await runCliInProcess(["du", root, "--catalog", catalog, "--no-scan", "--csv"], {
      cwd: root,
    });
    const csvLines = csv.stdout.trimEnd().split("\n");
    expect(csvLines[0]).toBe("level,path,root,allocated_bytes,apparent_bytes,sidecar_bytes");
    expect(csvLines.length).toBe(1 + 1 + runs.length + catalogRows(catalog));
    expect(snapshotTree(root)).toEqual(before);
  });

  test("a typo in an option is exit 2 with the nearest option", async () => {
    using dir = makeTempDir("du-typo");
    const result = await runCliInProcess(["du", dir.path, "--checkpoint"], { cwd: dir.path });
    expect(result.exitCode).toBe(2);
  });
});
