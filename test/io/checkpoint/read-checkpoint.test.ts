import { describe, expect, test } from "bun:test";
import { lstatSync, statSync } from "node:fs";
import { join } from "node:path";
import { planTorchCheckpoint } from "../../../src/core/formats/torch-checkpoint-writer.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { writeSparseFile } from "../../../src/io/fs/sparse-file-writer.ts";
import { truthComparison } from "../../helpers/checkpoint-truth.ts";
import { listRealFixtures, realFixtureRoot } from "../../helpers/real-fixtures.ts";
import {
  lightningDict,
  safetensorsBytes,
  torchZipBytes,
  torchZipOfPickle,
  trainingArgsPickle,
  writeTree,
} from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const fixtures = await listRealFixtures();

describe("readCheckpointReport: real files", () => {
  test("every fixture through the fs equals its truth; bytes_read stays near data.pkl", () => {
    for (const fixture of fixtures.filter((f) => !f.name.startsWith("broken/"))) {
      const report = readCheckpointReport(fixture.path);
      const { actual, expected } = truthComparison(report, fixture.truth, { strict: true });
      expect({ name: fixture.name, ...actual }).toEqual({ name: fixture.name, ...expected });
      const dataPkl = report.zip?.data_pkl_size;
      if (dataPkl !== undefined) expect(report.bytes_read).toBeLessThanOrEqual(dataPkl + 64 * 1024 + 4096);
    }
  });

  test("a relative symlink (Lightning 2.1 last.ckpt) is followed; the path is reported as given", () => {
    const link = join(
      realFixtureRoot,
      "lightning/outputs/dbnet_r18_dev_pl214/2026-11-22/14-53-02/csv_logs/version_0/checkpoints/last.ckpt",
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const report = readCheckpointReport(link);
    expect({ path: report.path, status: report.status, epoch: report.epoch }).toEqual({
      path: link,
      status: "ok",
      epoch: 2,
    });
  });

  test("a missing path is a report, not a throw", () => {
    using dir = makeTempDir("read-missing");
    const path = join(dir.path, "nope.ckpt");
    const report = readCheckpointReport(path);
    expect({ status: report.status, code: report.error?.code }).toEqual({
      status: "not-a-checkpoint",
      code: "not-found",
    });
    expect(report.error?.message).toStartWith(`${path}: `);
  });
});

describe("readCheckpointReport: a multi-GB sparse checkpoint (ZIP64 entry and offsets)", () => {
  test("bytes read stay at data.pkl + 64 KiB + a few bytes per 0-d tensor, whatever the tensors weigh", () => {
    using dir = makeTempDir("read-sparse");
    const path = join(dir.path, "huge.ckpt");
    const big = {
      kind: "tensor",
      storage: { dtype: "float32", numel: 1_100_000_000 },
      shape: [1_100_000_000],
    } as const;
    const value = lightningDict({ epoch: 7, step: 7000, score: 0.25, stateDict: { "big.weight": big } });
    writeSparseFile(path, planTorchCheckpoint(value));
    expect(statSync(path).size).toBeGreaterThan(4.3e9);
    const report = readCheckpointReport(path);
    expect({
      status: report.status,
      epoch: report.epoch,
      step: report.global_step,
      score: report.model_checkpoint_states?.[0]?.best_model_score,
      numel: report.state_dict?.numel_total,
    }).toEqual({ status: "ok", epoch: 7, step: 7000, score: 0.25, numel: 1_100_000_000 });
    const dataPkl = report.zip?.data_pkl_size ?? 0;
    expect(report.bytes_read).toBeLessThanOrEqual(dataPkl + 64 * 1024 + 2 * 128);
    expect(report.zip?.storage_bytes_total).toBeGreaterThan(4.4e9);
  });
});

describe("readCheckpointReport: directory checkpoints", () => {
  test("a Hugging Face checkpoint-N/ directory: trainer state, config, weights, training args", () => {
    using dir = makeTempDir("read-hf");
    const root = join(dir.path, "checkpoint-500");
    writeTree(root, {
      "trainer_state.json": JSON.stringify({
        epoch: 2.5,
        global_step: 500,
        best_metric: Number.NaN,
        best_model_checkpoint: "out/checkpoint-400",
        log_history: [{ loss: 0.5, step: 500, epoch: 2.5 }],
        stateful_callbacks: {
          EarlyStoppingCallback: {
            args: { early_stopping_patience: 3, early_stopping_threshold: 0 },
            attributes: { early_stopping_patience_counter: 1 },
          },
        },
      }).replace('"best_metric":null', '"best_metric":NaN'),
      "config.json": JSON.stringify({ architectures: ["BertForMaskedLM"], model_type: "bert" }),
      "model.safetensors": safetensorsBytes("w", 4),
      "training_args.bin": torchZipOfPickle(
        trainingArgsPickle({ metric_for_best_model: "eval_loss", greater_is_better: false }),
        "training_args",
      ),
    });
    const report = readCheckpointReport(root);
    expect(report.status).toBe("ok");
    expect({
      container: report.container,
      framework: report.framework,
      epoch: report.epoch,
      step: report.global_step,
    }).toEqual({
      container: "hf-dir",
      framework: "hf-trainer",
      epoch: 2.5,
      step: 500,
    });
    expect(report.hf).toMatchObject({
      dir_step: 500,
      best_model_checkpoint: "out/checkpoint-400",
      metric_for_best_model: "eval_loss",
      greater_is_better: false,
      architectures: ["BertForMaskedLM"],
      model_type: "bert",
      training_args_class: "transformers.training_args.TrainingArguments",
    });
    expect(Number.isNaN(report.hf?.best_metric)).toBe(true);
    expect(report.early_stopping_states).toEqual([
      { key: "EarlyStoppingCallback", patience: 3, threshold: 0, wait_count: 1 },
    ]);
    expect(report.safety?.status).toBe("safe");
  });

  test("an HF checkpoint without trainer_state.json yet is incomplete", () => {
    using dir = makeTempDir("read-hf-partial");
    const root = join(dir.path, "checkpoint-10");
    writeTree(root, { "config.json": "{}", "model.safetensors": safetensorsBytes("w", 2) });
    const report = readCheckpointReport(root);
    expect({ status: report.status, code: report.error?.code }).toEqual({
      status: "incomplete",
      code: "directory-incomplete",
    });
    expect(report.error?.message).toContain("trainer_state.json");
  });

  test("a Lightning sharded .ckpt/ directory is read through meta.pt", () => {
    using dir = makeTempDir("read-sharded");
    const root = join(dir.path, "epoch=3-step=40.ckpt");
    writeTree(root, {
      "meta.pt": torchZipBytes(lightningDict({ epoch: 3, step: 40, score: 0.125 })),
      ".metadata": "x",
      "__0_0.distcp": "x",
    });
    const report = readCheckpointReport(root);
    expect({
      status: report.status,
      container: report.container,
      framework: report.framework,
      epoch: report.epoch,
      score: report.model_checkpoint_states?.[0]?.best_model_score,
      kind: report.sharded?.kind,
    }).toEqual({
      status: "ok",
      container: "lightning-sharded-dir",
      framework: "lightning",
      epoch: 3,
      score: 0.125,
      kind: "distributed-checkpoint",
    });
  });

  test("any other directory is not a checkpoint", () => {
    using dir = makeTempDir("read-dir");
    writeTree(dir.path, { "notes.txt": "hello" });
    expect(readCheckpointReport(dir.path).error?.code).toBe("not-a-checkpoint-dir");
  });
});
