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

describe("classifyWatchFile: files that only exist inside a directory checkpoint settle that directory", () => {
  test.each([
    ["/r/ds/global_step6/mp_rank_00_model_states.pt", "/r/ds/global_step6"],
    ["/r/ds/global_step6/bf16_zero_pp_rank_3_mp_rank_00_optim_states.pt", "/r/ds/global_step6"],
    ["/r/titan/checkpoint/step-100/__0_3.distcp", "/r/titan/checkpoint/step-100"],
    ["/r/titan/checkpoint/step-100/.metadata", "/r/titan/checkpoint/step-100"],
    ["/r/run/checkpoints/checkpoint_2/optimizer.bin", "/r/run/checkpoints/checkpoint_2"],
    ["/r/run/checkpoints/checkpoint_2/random_states_0.pkl", "/r/run/checkpoints/checkpoint_2"],
    ["/r/llama/model-00002-of-00003.safetensors", "/r/llama"],
    ["/r/lora/adapter_model.safetensors", "/r/lora"],
    ["/r/mega/iter_0000100/mp_rank_00_001/model_optim_rng.pt", "/r/mega/iter_0000100"],
  ])("%s → %s", (path, checkpointDir) => {
    expect(classifyWatchFile(path)).toEqual({ kind: "checkpoint-dir-member", checkpointDir });
  });

  test("a plain checkpoint file still settles alone", () => {
    expect(classifyWatchFile("/r/run/optimizer.bin")).toEqual({ kind: "checkpoint-file" });
  });
});
