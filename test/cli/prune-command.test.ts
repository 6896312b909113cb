// `ckpt prune` and `ckpt trash` on copies of the framework-written runs, with a real catalog: exact keep/delete
// sets per policy, a dry run that touches nothing, deletion with sidecars and rows, the trash round trip, and
// the refusals (a catalog behind the disk, a symlink out of the root, a file that cannot be moved).
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PruneRow, PruneTotals } from "../../src/core/retention/prune-report.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { ageFiles, type ScannedCopy, scannedCopy } from "../helpers/scanned-copy.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { snapshotTree, type TreeEntry } from "../helpers/tree-snapshot.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

type Tree = ScannedCopy;

/**
 * The real runs copied under `<tmp>/runs` (aged, unless `fresh`: then they look like active runs), scanned
 * (sidecars written) into a catalog of the test's own.
 */
function realTree(dir: string, options: { fresh?: boolean } = {}): Promise<Tree> {
  return scannedCopy(
    dir,
    (root) => cpSync(realFixtureRoot, root, { recursive: true, verbatimSymlinks: true }),
    options,
  );
}

async function planOf(
  tree: Tree,
  ...policy: string[]
): Promise<{ checkpoints: PruneRow[]; totals: PruneTotals }> {
  const result = await tree.cli("prune", tree.root, "--json", ...policy);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

function deleted(tree: Tree, rows: readonly PruneRow[]): string[] {
  return rows.filter((row) => row.action === "delete").map((row) => row.path.slice(tree.root.length + 1));
}

const LIGHTNING = "lightning/outputs";
const CLEVAL = `${LIGHTNING}/dbnet_r18_dev_cleval/2026-11-22/14-52-56`;
const FULL = `${LIGHTNING}/dbnet_r18_dev_full/2026-11-22/14-52-44`;
const PL195 = `${LIGHTNING}/dbnet_r18_dev_pl195/2026-11-22/14-53-07`;
const TIMM = "timm/output/train/20261122-145342-test_efficientnet-32";
const YOLO = "ultralytics/runs/detect/train/weights";

/** Files and links by content, without times: what a round trip through the trash must give back. */
function contents(root: string): Omit<TreeEntry, "mtime">[] {
  return snapshotTree(root)
    .filter((entry) => entry.type !== "directory" && !entry.path.startsWith(".ckpt-trash"))
    .map(({ mtime: _mtime, ...rest }) => rest);
}

/** The catalogued checkpoints of test/fixtures/real (link rows included): grows when a fixture is added. */
const PRUNABLE_ROWS = 38;

describe("ckpt prune on the real runs", () => {
  test("each policy and combinations delete exactly the expected set; pointers, latest and unread files stay", async () => {
    using dir = makeTempDir("prune-real");
    const tree = await realTree(dir.path);
    expect(deleted(tree, (await planOf(tree, "--keep-best", "1")).checkpoints)).toEqual([
      `${CLEVAL}/checkpoints/dbnet-epoch02-hmean0.9705.ckpt`,
      `${CLEVAL}/checkpoints/dbnet-epoch03-hmean0.9778.ckpt`,
      `${FULL}/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt`,
      `${FULL}/csv_logs/version_0/checkpoints/epoch=3-step=32.ckpt`,
      `${PL195}/checkpoints/1-16-0.8027.ckpt`,
      `${TIMM}/checkpoint-1.pth.tar`,
      `${TIMM}/checkpoint-2.pth.tar`,
      `${YOLO}/epoch0.pt`,
      `${YOLO}/epoch25.pt`,
    ]);
    expect(deleted(tree, (await planOf(tree, "--keep-last", "2")).checkpoints)).toEqual([
      `${CLEVAL}/checkpoints/dbnet-epoch02-hmean0.9705.ckpt`,
      `${CLEVAL}/checkpoints/dbnet-epoch03-hmean0.9778.ckpt`,
      `${FULL}/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt`,
      `${FULL}/checkpoints/epoch=3-step=32-val/hmean=0.8819.ckpt`,
      `${PL195}/checkpoints/1-16-0.8027.ckpt`,
      `${TIMM}/checkpoint-1.pth.tar`,
      `${TIMM}/checkpoint-2.pth.tar`,
      "torch/bf16_weights.pt",
      "torch/legacy_format_checkpoint.pth",
      "torch/resnet_tiny_state_dict.pt",
      "torch/tiny_cnn.safetensors",
      `${YOLO}/epoch0.pt`,
    ]);
    const combined = await planOf(tree, "--keep-best", "1", "--keep-every", "3epochs", "--delete-unranked");
    expect(deleted(tree, combined.checkpoints)).toEqual([
      "broken/getattr_os_system.pt",
      `${CLEVAL}/checkpoints/dbnet-epoch02-hmean0.9705.ckpt`,
      `${FULL}/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt`,
      `${PL195}/checkpoints/1-16-0.8027.ckpt`,
      `${TIMM}/checkpoint-1.pth.tar`,
      `${TIMM}/checkpoint-2.pth.tar`,
      "torch/bf16_weights.pt",
      "torch/resnet_tiny_state_dict.pt",
      "torch/tiny_cnn.safetensors",
      "torch/tiny_cnn_full_model.pt",
      `${YOLO}/epoch25.pt`,
    ]);
    const reasons = new Map(
      combined.checkpoints.map((row) => [row.path.slice(tree.root.length + 1), row.reason]),
    );
    expect(reasons.get(`${CLEVAL}/checkpoints/dbnet-epoch03-hmean0.9778.ckpt`)).toBe(
      "every 3 epochs (epoch 3)",
    );
    expect(reasons.get(`${CLEVAL}/checkpoints/last.ckpt`)).toBe("latest, resume point (last.ckpt)");
    expect(reasons.get(`${YOLO}/best.pt`)).toBe("the framework's best file, best 1 of 4 by fitness");
    expect(reasons.get("broken/truncated_half.ckpt")).toBe("incomplete: still being written");
    expect(combined.totals.delete).toBe(11);
    expect(combined.totals.bytes_freed).toBe(
      combined.checkpoints.reduce((sum, row) => sum + (row.action === "delete" ? row.bytes : 0), 0),
    );
  });

  test("a dry run changes nothing, and without --include-active freshly written runs are left alone", async () => {
    using dir = makeTempDir("prune-dry");
    const tree = await realTree(dir.path, { fresh: true });
    const before = snapshotTree(tree.root);
    const plan = await tree.cli("prune", tree.root, "--keep-last", "1");
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain(`total: 0 of ${PRUNABLE_ROWS} checkpoints to delete, 0 B to free`);
    expect(plan.stdout).toContain("run active (a file changed");
    const active = await tree.cli("prune", tree.root, "--keep-last", "1", "--include-active");
    expect(active.stdout).toContain("dry run: nothing was deleted; --yes deletes these");
    expect(snapshotTree(tree.root)).toEqual(before);
  });

  test("--yes deletes checkpoint, own sidecar and row together; a second run does nothing", async () => {
    using dir = makeTempDir("prune-yes");
    const tree = await realTree(dir.path);
    const planned = deleted(tree, (await planOf(tree, "--keep-best", "1")).checkpoints);
    const rowsBefore = (JSON.parse((await tree.cli("ls", "--json", "--no-scan")).stdout) as unknown[]).length;
    const result = await tree.cli("prune", tree.root, "--keep-best", "1", "--include-active", "--yes");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`total: ${planned.length} of ${PRUNABLE_ROWS} checkpoints deleted`);
    for (const path of planned) {
      expect(existsSync(join(tree.root, path))).toBe(false);
      expect(existsSync(join(tree.root, path.replace(/(\.pth\.tar|\.ckpt|\.pt)$/, ".metadata.yaml")))).toBe(
        false,
      );
    }
    expect(existsSync(join(tree.root, `${CLEVAL}/checkpoints/dbnet-epoch04-hmean0.9811.metadata.yaml`))).toBe(
      true,
    );
    const ls = await tree.cli("ls", "--json", "--no-scan");
    const listed = (JSON.parse(ls.stdout) as { path: string }[]).map((entry) =>
      entry.path.slice(tree.root.length + 1),
    );
    expect(listed.filter((path) => planned.includes(path))).toEqual([]);
    expect(listed.length).toBe(rowsBefore - planned.length);
    const again = await tree.cli("prune", tree.root, "--keep-best", "1", "--include-active", "--yes");
    expect(again.stdout).toContain(
      `total: 0 of ${PRUNABLE_ROWS - planned.length} checkpoints deleted, 0 B freed`,
    );
  });

  test("--trash then trash restore --all gives every byte back", async () => {
    using dir = makeTempDir("prune-trash");
    const tree = await realTree(dir.path);
    const before = contents(tree.root);
    const trashed = await tree.cli(
      "prune",
      tree.root,
      "--keep-last",
      "1",
      "--include-active",
      "--yes",
      "--trash",
    );
    expect(trashed.exitCode).toBe(0);
    expect(contents(tree.root).length).toBeLessThan(before.length - 10);
    const listed = await tree.cli("trash", "list", "--json");
    const items = JSON.parse(listed.stdout) as { path: string; reason: string }[];
    expect(items.length).toBe(20);
    expect(items[0]?.reason).toMatch(/^newest \d+ of \d+$/);
    const restored = await tree.cli("trash", "restore", "--all");
    expect(restored.exitCode).toBe(0);
    expect(contents(tree.root)).toEqual(before);
    expect(JSON.parse((await tree.cli("trash", "list", "--json")).stdout)).toEqual([]);
  });

  test("trash empty --older-than keeps what is younger; empty removes the rest", async () => {
    using dir = makeTempDir("prune-empty");
    const tree = await realTree(dir.path);
    await tree.cli("prune", tree.root, "--keep-last", "1", "--include-active", "--yes", "--trash");
    const young = await tree.cli("trash", "empty", "--older-than", "1d");
    expect(young.stdout).toStartWith("deleted 0 from the trash, 0 B freed; 20 left");
    const all = await tree.cli("trash", "empty");
    expect(all.stdout).toStartWith("deleted 20 from the trash");
    expect(JSON.parse((await tree.cli("trash", "list", "--json")).stdout)).toEqual([]);
  });

  test("a catalog behind the disk is refused and nothing is deleted", async () => {
    using dir = makeTempDir("prune-stale");
    const tree = await realTree(dir.path);
    writeFileSync(join(tree.root, `${TIMM}/checkpoint-1.pth.tar`), "rewritten since the scan");
    const before = snapshotTree(tree.root);
    const result = await tree.cli(
      "prune",
      tree.root,
      "--keep-best",
      "1",
      "--include-active",
      "--yes",
      "--no-scan",
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("the catalog is behind the disk");
    expect(result.stderr).toContain("Run 'ckpt scan");
    expect(snapshotTree(tree.root)).toEqual(before);
  });

  test("checkpoints reached through a symlink out of the root are never touched; the rest goes on", async () => {
    using dir = makeTempDir("prune-symlink");
    const outside = join(dir.path, "elsewhere");
    mkdirSync(outside);
    cpSync(join(realFixtureRoot, TIMM), join(outside, "timm"), { recursive: true });
    const root = join(dir.path, "runs");
    mkdirSync(root);
    symlinkSync(outside, join(root, "linked"));
    const catalog = join(dir.path, "catalog.db");
    const cli = (...args: string[]) =>
      runCliInProcess([...args, "--catalog", catalog], { cwd: dir.path, now: Date.now() });
    await cli("scan", root, "--follow-symlinks");
    const before = snapshotTree(outside);
    const result = await cli("prune", root, "--keep-best", "1", "--include-active", "--yes", "--no-scan");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("reached through a symlink leading out of");
    expect(snapshotTree(outside)).toEqual(before);
  });

  test("layouts with pointer files: HF best_model_checkpoint and DeepSpeed latest keep what they name", async () => {
    using dir = makeTempDir("prune-pointers");
    const root = join(dir.path, "runs");
    cpSync(join(realFixtureRoot, "..", "runs", "hf-trainer", "trainer_run"), join(root, "hf"), {
      recursive: true,
    });
    // DeepSpeed 0.10.3's own save dir: `latest` names global_step4; global_step6 was written after it (a save
    // in progress), so it is not committed and never pruned.
    cpSync(
      join(realFixtureRoot, "..", "distributed", "deepspeed", "zero2_bf16_save_in_progress"),
      join(root, "ds"),
      {
        recursive: true,
      },
    );
    ageFiles(root);
    const catalog = join(dir.path, "catalog.db");
    const cli = (...args: string[]) =>
      runCliInProcess([...args, "--catalog", catalog], { cwd: dir.path, now: Date.now() });
    const result = await cli("prune", root, "--keep-last", "1", "--json");
    const rows = (JSON.parse(result.stdout) as { checkpoints: PruneRow[] }).checkpoints;
    expect(rows.map((row) => [row.path.slice(root.length + 1), row.action, row.reason])).toEqual([
      ["ds/global_step2", "delete", "newest 2 of 2"],
      ["ds/global_step4", "keep", "latest, target of latest, last 1 of 2"],
      ["ds/global_step6", "keep", "incomplete: still being written"],
      ["hf/checkpoint-4", "keep", "target of best_model_checkpoint"],
      ["hf/checkpoint-8", "keep", "latest, last 1 of 2"],
    ]);
  });

  test("a typo in a flag or a run is exit 2 with a did-you-mean; no policy is a usage error", async () => {
    using dir = makeTempDir("prune-typo");
    const tree = await realTree(dir.path);
    const flag = await tree.cli("prune", tree.root, "--keep-bset", "1");
    expect([flag.exitCode, flag.stderr]).toEqual([2, expect.stringContaining("Did you mean '--keep-best'")]);
    const metric = await tree.cli("prune", tree.root, "--keep-best", "1", "--metric", "hmaen");
    expect([metric.exitCode, metric.stderr]).toEqual([2, expect.stringContaining("Did you mean 'hmean'?")]);
    const run = await tree.cli("prune", tree.root, "--keep-best", "1", "--run", "zzz-none");
    expect(run.exitCode).toBe(2);
    const none = await tree.cli("prune", tree.root);
    expect([none.exitCode, none.stderr]).toEqual([2, expect.stringContaining("no rule says what to keep")]);
  });
});
