import { describe, expect, test } from "bun:test";
import { assembleMetadata } from "../../../src/core/metadata/assemble-metadata.ts";
import { parseStateKey, sharedTail } from "../../../src/core/metadata/extract-checkpointing.ts";
import { emptyRunContext, type RunContext } from "../../../src/core/metadata/run-context-model.ts";

const CHECKPOINT = "/data/runs/exp1/checkpoints/epoch=1-step=10.ckpt";

function assemble(report: Record<string, unknown>, run: Partial<RunContext> = {}) {
  return assembleMetadata({
    report: { status: "ok", safety: { status: "safe", dangerous: [], unknown: [] }, ...report },
    run: { ...emptyRunContext("/data/runs/exp1"), ...run },
    paths: {
      checkpoint: CHECKPOINT,
      relativeCheckpoint: "exp1/checkpoints/epoch=1-step=10.ckpt",
      relativeHydraConfig: null,
    },
    file: { size: 10, mtime: "2026-11-22T00:00:00.000Z" },
    generatorVersion: "0.0.0-test",
  });
}

const KEY =
  "ModelCheckpoint{'monitor': 'val/f1', 'mode': 'max', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}";

describe("assembleMetadata rules", () => {
  test("Hydra model.component_overrides win; save_last 'link' is true; the seed's metric patterns with cleval first", () => {
    const hydra = {
      model: {
        architecture: "dbnet",
        encoder: { model_name: "resnet18" },
        component_overrides: {
          encoder: { model_name: "resnet50", pretrained: true, frozen: true },
          decoder: {
            name: "pan_decoder",
            in_channels: [256, 512],
            inner_channels: 256,
            output_channels: 128,
          },
          head: { _target_: "ocr.models.DBHead", in_channels: 128, k: 50 },
          loss: { name: "db_loss", alpha: 1 },
        },
      },
      callbacks: { model_checkpoint: { monitor: "val/f1", mode: "max", save_top_k: 3, save_last: "link" } },
      trainer: { max_epochs: 50 },
      exp_name: "dbnet-r50",
    };
    const result = assemble(
      {
        framework: "lightning",
        epoch: 1,
        global_step: 10,
        cleval_metrics: { precision: 0.9, recall: 0.8, hmean: 0.85 },
        callbacks_keys: [KEY],
        model_checkpoint_states: [
          { key: KEY, monitor: "val/f1", best_model_score: 0.84, best_model_path: CHECKPOINT },
        ],
      },
      {
        hydra: { configPath: "/data/runs/exp1/.hydra/config.yaml", config: hydra, runtime: null },
        series: [
          {
            source: "metrics.csv",
            file: "/data/runs/exp1/metrics.csv",
            points: [
              { name: "val/precision", step: 9, epoch: 1, value: 0.7 },
              { name: "val/loss", step: 9, epoch: 1, value: 0.25 },
              { name: "val/loss", step: 20, epoch: 2, value: 0.2 },
              { name: "train/loss", step: 9, epoch: 1, value: Number.NaN },
            ],
          },
        ],
      },
    );
    const metadata = result.metadata;
    expect({
      exp: metadata?.exp_name,
      training: metadata?.training,
      model: metadata?.model,
      metrics: metadata?.metrics,
      checkpointing: metadata?.checkpointing,
      primary: metadata?.ckpt?.primary_metric,
      problems: result.problems.map((problem) => problem.code),
    }).toEqual({
      exp: "dbnet-r50",
      training: { epoch: 1, global_step: 10, training_phase: "training", max_epochs: 50 },
      model: {
        architecture: "dbnet",
        encoder: { model_name: "resnet50", pretrained: true, frozen: true },
        decoder: {
          name: "pan_decoder",
          in_channels: [256, 512],
          inner_channels: 256,
          output_channels: 128,
          params: {},
        },
        head: { name: "DBHead", in_channels: 128, params: { k: 50 } },
        loss: { name: "db_loss", params: { alpha: 1 } },
      },
      metrics: {
        precision: 0.9,
        recall: 0.8,
        hmean: 0.85,
        validation_loss: 0.25,
        additional_metrics: {
          "cleval/precision": 0.9,
          "cleval/recall": 0.8,
          "cleval/hmean": 0.85,
          "val/f1": 0.84,
          "val/precision": 0.7,
          "val/loss": 0.25,
        },
      },
      checkpointing: { monitor: "val/f1", mode: "max", save_top_k: 3, save_last: true },
      primary: { name: "val/f1", value: 0.84, higher_is_better: true },
      problems: ["non-finite-metric"],
    });
  });

  test("HF: fractional epoch → floor, exact value kept; metrics at the step from log_history", () => {
    const result = assemble(
      { framework: "hf-trainer", hf: { metric_for_best_model: "accuracy", greater_is_better: true } },
      {
        hfTrainerState: {
          epoch: 2.4966,
          globalStep: 1000,
          maxSteps: 2000,
          numTrainEpochs: 5,
          loggingSteps: 100,
          evalSteps: 500,
          saveSteps: 500,
          trainBatchSize: 8,
          bestMetric: 0.91,
          bestGlobalStep: 1000,
          bestModelCheckpoint: "out/checkpoint-1000",
          points: [],
        },
        series: [
          {
            source: "trainer_state.json",
            file: "/x/trainer_state.json",
            points: [
              { name: "eval_accuracy", step: 500, epoch: 1.2, value: 0.8 },
              { name: "eval_accuracy", step: 1000, epoch: 2.4966, value: 0.91 },
              { name: "eval_loss", step: 1000, epoch: 2.4966, value: 0.3 },
            ],
          },
        ],
      },
    );
    expect({
      training: result.metadata?.training,
      additional: result.metadata?.metrics.additional_metrics,
      validationLoss: result.metadata?.metrics.validation_loss,
      checkpointing: result.metadata?.checkpointing,
      primary: result.metadata?.ckpt?.primary_metric,
      problems: result.problems.map((problem) => problem.code),
    }).toEqual({
      training: { epoch: 2, global_step: 1000, training_phase: "training", max_epochs: 5 },
      additional: { eval_accuracy: 0.91, eval_loss: 0.3, epoch: 2.4966 },
      validationLoss: 0.3,
      checkpointing: { monitor: "eval_accuracy", mode: "max", save_top_k: 1, save_last: true },
      primary: { name: "eval_accuracy", value: 0.91, higher_is_better: true },
      problems: ["fractional-epoch"],
    });
  });

  test("unreadable reports give no metadata; unsafe ones do, with a warning", () => {
    expect(
      assemble({ status: "corrupt", error: { code: "zip-corrupt", message: "x.ckpt: broken" } }).metadata,
    ).toBeNull();
    const unsafe = assemble({
      status: "unsafe",
      safety: { status: "unsafe", dangerous: ["posix.system"], unknown: [] },
    });
    expect([unsafe.metadata?.ckpt?.safety, unsafe.problems.map((problem) => problem.code)]).toEqual([
      { status: "unsafe", dangerous: ["posix.system"], unknown: [] },
      ["unsafe-checkpoint"],
    ]);
  });
});

describe("ModelCheckpoint helpers", () => {
  test.each([
    [KEY, { monitor: "val/f1", mode: "max" }],
    [
      "ModelCheckpoint{'monitor': None, 'mode': 'min', 'every_n_train_steps': 0}",
      { monitor: null, mode: "min" },
    ],
    ["EarlyStopping{'monitor': 'val_loss', 'mode': 'min'}", null],
  ])("parseStateKey(%s)", (key, expected) => {
    expect(parseStateKey(key)).toEqual(expected as ReturnType<typeof parseStateKey>);
  });

  test.each([
    ["/srv/a/run/checkpoints/last.ckpt", "/data/b/run/checkpoints/last.ckpt", 3],
    ["/a/x.ckpt", "/a/y.ckpt", 0],
  ])("sharedTail(%s, %s)", (left, right, expected) => {
    expect(sharedTail(left, right)).toBe(expected);
  });
});
