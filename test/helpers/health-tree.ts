// Test-only: real checkpoint runs with controlled mtimes, for the disk and run health report.
import { cpSync, mkdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { realFixtureRoot } from "./real-fixtures.ts";

const MIN = 60_000;
const LIGHTNING = "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44";
const TIMM = "timm/output/train/20261122-145342-test_efficientnet-32";

/** Checkpoint (relative to the tree) → minutes before `nowMs` it was last written. */
export const HEALTH_TREE_MTIMES: Readonly<Record<string, number>> = {
  // Saves every 30 min, the last 70 min ago: overdue (2 × 30 min exceeded).
  "lightning/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt": 160,
  "lightning/checkpoints/epoch=3-step=32-val/hmean=0.8819.ckpt": 130,
  "lightning/csv_logs/version_0/checkpoints/epoch=3-step=32.ckpt": 100,
  "lightning/checkpoints/last.ckpt": 70,
  // Saves every 30 min, the last 1 min ago: on pace.
  "timm/checkpoint-1.pth.tar": 91,
  "timm/checkpoint-2.pth.tar": 61,
  "timm/model_best.pth.tar": 31,
  "timm/last.pth.tar": 1,
  // A truncated newest checkpoint unchanged for 2 h (the watcher gives up after 1 h): stalled.
  "partial/a.pt": 200,
  "partial/b.ckpt": 120,
  // Quiet for 30 h: ended, not checked, and outside the 6 h rate window.
  "old/only.pt": 30 * 60,
};

export const HEALTH_TREE_RUNS = {
  lightning: "lightning",
  timm: "timm",
  partial: "partial",
  old: "old",
} as const;

/** Copies the real runs into `root` and sets their mtimes; returns each checkpoint's size in bytes. */
export function buildHealthTree(root: string, nowMs: number): Record<string, number> {
  cpSync(join(realFixtureRoot, LIGHTNING), join(root, "lightning"), { recursive: true });
  cpSync(join(realFixtureRoot, TIMM), join(root, "timm"), { recursive: true });
  mkdirSync(join(root, "partial"));
  mkdirSync(join(root, "old"));
  cpSync(join(realFixtureRoot, "torch/tutorial_checkpoint.pt"), join(root, "partial/a.pt"));
  cpSync(join(realFixtureRoot, "broken/truncated_half.ckpt"), join(root, "partial/b.ckpt"));
  cpSync(join(realFixtureRoot, "torch/bf16_weights.pt"), join(root, "old/only.pt"));
  const sizes: Record<string, number> = {};
  for (const [name, minutesAgo] of Object.entries(HEALTH_TREE_MTIMES)) {
    const path = join(root, name);
    const time = new Date(nowMs - minutesAgo * MIN);
    utimesSync(path, time, time);
    sizes[name] = statSync(path).size;
  }
  return sizes;
}
