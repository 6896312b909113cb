import { describe, expect, test } from "bun:test";
import {
  classifyWatchDir,
  classifyWatchFile,
  isIgnoredWatchPath,
  type WatchPathKind,
  type WatchPathRole,
} from "../../../src/core/daemon/watch-paths.ts";

describe("classifyWatchFile", () => {
  const cases: [string, WatchPathRole | undefined][] = [
    ["/r/lightning_logs/version_0/checkpoints/epoch=1-step=10.ckpt", { kind: "checkpoint-file" }],
    ["/r/runs/detect/train/weights/last.pt", { kind: "checkpoint-file" }],
    ["/r/output/train/model_best.pth.tar", { kind: "checkpoint-file" }],
    ["/r/model.safetensors", { kind: "checkpoint-file" }],
    ["/r/last.ckpt", { kind: "checkpoint-file" }],
    [
      "/r/out/checkpoint-500/model.safetensors",
      { kind: "checkpoint-dir-member", checkpointDir: "/r/out/checkpoint-500" },
    ],
    [
      "/r/out/checkpoint-500/trainer_state.json",
      { kind: "checkpoint-dir-member", checkpointDir: "/r/out/checkpoint-500" },
    ],
    [
      "/r/e=1.ckpt/checkpoint/mp_rank_00_model_states.pt",
      { kind: "checkpoint-dir-member", checkpointDir: "/r/e=1.ckpt" },
    ],
    ["/r/out/trainer_state.json", { kind: "metric-file" }],
    ["/r/lightning_logs/version_0/metrics.csv", { kind: "metric-file" }],
    ["/r/lightning_logs/version_0/hparams.yaml", { kind: "metric-file" }],
    ["/r/runs/detect/train/results.csv", { kind: "metric-file" }],
    ["/r/output/train/summary.csv", { kind: "metric-file" }],
    ["/r/tb/events.out.tfevents.1712.host.1.0", { kind: "metric-file" }],
    ["/r/outputs/2024-01-01/12-00-00/.hydra/config.yaml", { kind: "metric-file" }],
    ["/r/best.metadata.yaml", undefined],
    ["/r/out/checkpoint-500/ckpt.metadata.yaml", undefined],
    ["/r/.best.metadata.yaml.ckpt-tmp-k3x9", undefined],
    ["/r/output/train/tmp.pth.tar", undefined],
    ["/r/x.pt.tmp", undefined],
    ["/r/out/tmp-checkpoint-500/model.safetensors", undefined],
    ["/r/images/cat.png", undefined],
    ["/r/config.yaml", undefined],
    ["/r/train.log", undefined],
  ];
  test.each(cases)("%s", (path, expected) => {
    expect(classifyWatchFile(path)).toEqual(expected);
  });
});

describe("classifyWatchDir", () => {
  test.each([
    ["/r/out/checkpoint-500", "checkpoint-dir"],
    ["/r/epoch=1-step=10.ckpt", "checkpoint-dir"],
    ["/r/out/tmp-checkpoint-500", "directory"],
    ["/r/out", "directory"],
  ])("%s → %s", (path, expected) => {
    expect(classifyWatchDir(path)).toBe(expected as "checkpoint-dir" | "directory");
  });
});

describe("isIgnoredWatchPath", () => {
  const cases: [string, WatchPathKind, boolean][] = [
    ["/r/node_modules", "directory", true],
    ["/r/node_modules", "unknown", true],
    ["/r/.git", "unknown", true],
    ["/r/wandb/run-1/files/media", "directory", true],
    ["/r/out/tmp-checkpoint-500", "directory", true],
    ["/r/.hydra", "directory", false],
    ["/r/out/checkpoint-500", "directory", false],
    ["/r/lightning_logs", "directory", false],
    ["/r/best.metadata.yaml", "unknown", true],
    ["/r/best.metadata.yaml", "file", true],
    ["/r/tmp.pth.tar", "unknown", true],
    ["/r/best.ckpt", "unknown", false],
    ["/r/best.ckpt", "file", false],
    ["/r/cat.png", "unknown", false],
    ["/r/cat.png", "file", true],
    ["/r/metrics.csv", "file", false],
  ];
  test.each(cases)("%s (%s) → %p", (path, kind, expected) => {
    expect(isIgnoredWatchPath(path, kind)).toBe(expected);
  });
});
