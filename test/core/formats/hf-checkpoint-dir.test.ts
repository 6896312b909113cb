import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { type DirectoryView, inspectHfCheckpointDir } from "../../../src/core/formats/hf-checkpoint-dir.ts";
import { inspectLightningShardedDir } from "../../../src/core/formats/lightning-sharded-dir.ts";
import {
  materializeWritePlan,
  planTorchZip,
  torchSaveEntries,
} from "../../../src/core/formats/zip-writer.ts";

const SAFETENSORS = new Uint8Array(
  readFileSync(join(import.meta.dir, "../../fixtures/real/torch/tiny_cnn.safetensors")),
);
const text = (value: string) => new TextEncoder().encode(value);
const torchZip = (root: string) =>
  materializeWritePlan(
    planTorchZip(torchSaveEntries({ root, dataPkl: new Uint8Array([0x80, 2, 0x4e, 0x2e]) })),
  );

function viewOf(files: Record<string, Uint8Array | string>): DirectoryView {
  return {
    names: () => Object.keys(files),
    open: (name) => {
      const file = files[name];
      return file === undefined ? undefined : bytesSource(typeof file === "string" ? text(file) : file);
    },
  };
}

const TRAINER_STATE =
  '{\n  "best_metric": NaN,\n  "epoch": 2.5,\n  "global_step": 500,\n  "log_history": []\n}\n';
const CONFIG =
  '{"architectures": ["BertForSequenceClassification"], "model_type": "bert", "torch_dtype": "float32"}';

describe("inspectHfCheckpointDir", () => {
  test("a complete Trainer checkpoint", () => {
    const view = viewOf({
      "config.json": CONFIG,
      "model.safetensors": SAFETENSORS,
      "training_args.bin": torchZip("training_args"),
      "optimizer.pt": torchZip("optimizer"),
      "trainer_state.json": TRAINER_STATE,
    });
    const dir = inspectHfCheckpointDir(view, { dirName: "checkpoint-500" });
    expect(dir?.kind).toBe("hf-checkpoint");
    expect(dir?.step).toBe(500);
    expect(dir?.trainerState).toEqual({ success: true, data: TRAINER_STATE });
    expect(dir?.config).toEqual({
      success: true,
      data: { architectures: ["BertForSequenceClassification"], model_type: "bert", torch_dtype: "float32" },
    });
    expect(
      dir?.weights.map((w) => [w.name, w.format, w.completeness.state, w.safetensors?.tensors.length]),
    ).toEqual([["model.safetensors", "safetensors", "complete", 14]]);
    expect(dir?.trainingArgsFile).toBe("training_args.bin");
    expect(dir?.completeness.state).toBe("complete");
  });

  test("pytorch_model.bin weights come with their zip layout", () => {
    const view = viewOf({ "config.json": CONFIG, "pytorch_model.bin": torchZip("pytorch_model") });
    const dir = inspectHfCheckpointDir(view);
    expect([dir?.kind, dir?.weights[0]?.torchZip?.prefix, dir?.completeness.state]).toEqual([
      "hf-model",
      "pytorch_model",
      "complete",
    ]);
  });

  test.each([
    [
      "no trainer_state.json yet",
      { "config.json": CONFIG, "model.safetensors": SAFETENSORS },
      "checkpoint-500",
    ],
    [
      "trainer_state.json half written",
      { "model.safetensors": SAFETENSORS, "trainer_state.json": TRAINER_STATE.slice(0, 30) },
      "checkpoint-500",
    ],
    [
      "weights half written",
      { "model.safetensors": SAFETENSORS.subarray(0, 5000), "trainer_state.json": TRAINER_STATE },
      "checkpoint-500",
    ],
    [
      "a tmp-checkpoint dir",
      { "model.safetensors": SAFETENSORS, "trainer_state.json": TRAINER_STATE },
      "tmp-checkpoint-500",
    ],
    [
      "a shard named by the index is missing",
      {
        "model.safetensors.index.json":
          '{"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}',
        "model-00001-of-00002.safetensors": SAFETENSORS,
        "trainer_state.json": TRAINER_STATE,
      },
      "checkpoint-500",
    ],
  ] as const)("incomplete: %s", (_name, files, dirName) => {
    expect(inspectHfCheckpointDir(viewOf({ ...files }), { dirName })?.completeness.state).toBe("incomplete");
  });

  test("not an HF directory", () => {
    expect(
      inspectHfCheckpointDir(viewOf({ "last.ckpt": torchZip("archive"), "config.json": "{}" })),
    ).toBeUndefined();
  });
});

describe("inspectLightningShardedDir", () => {
  test("FSDP / distributed checkpoint", () => {
    const view = viewOf({
      ".metadata": "x",
      "__0_0.distcp": "x",
      "__1_0.distcp": "x",
      "meta.pt": torchZip("meta"),
    });
    const dir = inspectLightningShardedDir(view);
    expect(dir && { ...dir, completeness: dir.completeness.state }).toEqual({
      kind: "distributed-checkpoint",
      metadataFile: "meta.pt",
      shardFiles: ["__0_0.distcp", "__1_0.distcp"],
      completeness: "complete",
    });
  });

  test.each([
    ["DCP before .metadata", { "__0_0.distcp": "x", "meta.pt": torchZip("meta") }],
    ["DCP before meta.pt", { "__0_0.distcp": "x", ".metadata": "x" }],
  ] as const)("incomplete: %s", (_name, files) => {
    expect(inspectLightningShardedDir(viewOf({ ...files }))?.completeness.state).toBe("incomplete");
  });

  test("an HF dir is not a Lightning sharded dir, nor is a DeepSpeed one (its own rules apply)", () => {
    expect(inspectLightningShardedDir(viewOf({ "config.json": CONFIG }))).toBeUndefined();
    const deepspeed = { latest: "checkpoint", "checkpoint/mp_rank_00_model_states.pt": torchZip("m") };
    expect(inspectLightningShardedDir(viewOf(deepspeed))).toBeUndefined();
  });

  test("a run directory holding DCP step dirs (torchtitan's checkpoint/) is not one sharded checkpoint", () => {
    const titan = {
      "step-100/__0_0.distcp": "x",
      "step-100/.metadata": "x",
      "step-200/__0_0.distcp": "x",
    };
    expect(inspectLightningShardedDir(viewOf(titan))).toBeUndefined();
  });
});
