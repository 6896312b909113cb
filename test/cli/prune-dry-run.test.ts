// `ckpt prune` without --yes plans from the catalog alone (issue 18: a dry run of 100k checkpoints in a second):
// its bytes are the catalogued sizes and it says so; its cheap freshness check (each checkpoint to delete still
// listed in its directory) refuses a catalog that lost a file, while a rewrite in place is left to --yes, which
// looks at every checkpoint it deletes and refuses.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PruneRow, PruneTotals } from "../../src/core/retention/prune-report.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { snapshotTree } from "../helpers/tree-snapshot.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const TIMM = "timm/output/train/20261122-145342-test_efficientnet-32";

type Plan = { checkpoints: PruneRow[]; totals: PruneTotals; sizes_from: string; note: string };

/** timm's real run copied under `<tmp>/runs/timm`, every file an hour old (no active run), scanned. */
async function timmRun(dir: string) {
  const root = join(dir, "runs");
  const run = join(root, "timm");
  cpSync(join(realFixtureRoot, TIMM), run, { recursive: true });
  const old = new Date(Date.now() - 3_600_000);
  for (const name of readdirSync(run)) utimesSync(join(run, name), old, old);
  const catalog = join(dir, "catalog.db");
  const cli = (...args: string[]) =>
    runCliInProcess([...args, "--catalog", catalog], { cwd: dir, now: Date.now() });
  const scan = await cli("scan", root);
  if (scan.exitCode !== 0) throw new Error(scan.stderr);
  return { root, run, cli };
}

describe("ckpt prune dry run", () => {
  test("its bytes are the catalogued sizes and it says so, in text and --json; --yes measures the disk", async () => {
    using dir = makeTempDir("prune-dry-sizes");
    const { root, run, cli } = await timmRun(dir.path);
    const listed = JSON.parse((await cli("ls", root, "--json", "--no-scan")).stdout) as {
      path: string;
      size: number;
    }[];
    const catalogued = new Map(listed.map((entry) => [entry.path, entry.size]));
    const dry = await cli("prune", root, "--keep-last", "1", "--json", "--no-scan");
    expect(dry.exitCode).toBe(0);
    const plan = JSON.parse(dry.stdout) as Plan;
    expect(plan.sizes_from).toBe("catalog");
    expect(plan.note).toContain("not checked against the disk");
    const deleted = plan.checkpoints.filter((row) => row.action === "delete");
    const names = ["checkpoint-1.pth.tar", "checkpoint-2.pth.tar"].map((name) => join(run, name));
    expect(deleted.map((row) => [row.path, row.bytes])).toEqual(
      names.map((path) => [path, catalogued.get(path) ?? -1]),
    );
    expect(plan.totals.bytes_freed).toBe(2 * 862_639);
    const text = await cli("prune", root, "--keep-last", "1", "--no-scan");
    expect(text.stdout).toContain("bytes and times as catalogued, not checked against the disk");
    const done = JSON.parse((await cli("prune", root, "--keep-last", "1", "--json", "--yes")).stdout) as Plan;
    expect([done.sizes_from, done.totals.delete]).toEqual(["disk", 2]);
  });

  test("a checkpoint gone from disk is refused without an lstat of each; a rewrite in place is --yes's to refuse", async () => {
    using dir = makeTempDir("prune-dry-stale");
    const { root, run, cli } = await timmRun(dir.path);
    rmSync(join(run, "checkpoint-1.pth.tar"));
    const gone = await cli("prune", root, "--keep-last", "1", "--no-scan");
    expect(gone.exitCode).toBe(2);
    expect(gone.stderr).toContain("checkpoint-1.pth.tar is gone from disk");
    expect(gone.stderr).toContain("Run 'ckpt scan");
    expect((await cli("scan", root)).exitCode).toBe(0);
    writeFileSync(join(run, "checkpoint-2.pth.tar"), "rewritten since the scan");
    const before = snapshotTree(root);
    const rewritten = await cli("prune", root, "--keep-last", "1", "--no-scan");
    expect(rewritten.exitCode).toBe(0);
    expect(rewritten.stdout).toContain("not checked against the disk");
    const refused = await cli("prune", root, "--keep-last", "1", "--yes", "--no-scan");
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("checkpoint-2.pth.tar changed size");
    expect(snapshotTree(root)).toEqual(before);
  });
});
