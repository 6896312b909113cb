import { describe, expect, test } from "bun:test";
import {
  type ChoosePrimaryOptions,
  choosePrimaryMetric,
  type PrimaryMetric,
} from "../../../src/core/metrics/primary-metric.ts";

const LIGHTNING_RUN = [
  "epoch",
  "lr-Adam",
  "step",
  "train/loss_epoch",
  "train/loss_step",
  "val/hmean",
  "val/loss",
];
const ULTRALYTICS_RUN = ["metrics/mAP50(B)", "metrics/mAP50-95(B)", "val/box_loss", "fitness"];
const TIMM_RUN = ["epoch", "train_loss", "eval_loss", "eval_top1", "eval_top5", "lr"];

const cases: readonly (readonly [string, ChoosePrimaryOptions, PrimaryMetric])[] = [
  [
    "Lightning monitor val/hmean max",
    { task: "text-detection", monitor: { kind: "lightning", monitor: "val/hmean", mode: "max" } },
    { name: "val/hmean", canonical: "hmean", higherIsBetter: true, source: "monitor" },
  ],
  [
    "Lightning monitor val_loss min overrides the task default",
    { task: "text-detection", monitor: { kind: "lightning", monitor: "val_loss", mode: "min" } },
    { name: "val_loss", canonical: "validation_loss", higherIsBetter: false, source: "monitor" },
  ],
  [
    "mode wins over the definition",
    { task: "generic", monitor: { kind: "lightning", monitor: "val/loss", mode: "max" } },
    { name: "val/loss", canonical: "validation_loss", higherIsBetter: true, source: "monitor" },
  ],
  [
    "Lightning monitor without mode takes the definition's direction",
    { task: "generic", monitor: { kind: "lightning", monitor: "val/acc", mode: null } },
    { name: "val/acc", canonical: "accuracy", higherIsBetter: true, source: "monitor" },
  ],
  [
    "unknown monitor without mode takes Lightning's default min",
    { task: "generic", monitor: { kind: "lightning", monitor: "my_score", mode: null } },
    { name: "my_score", canonical: null, higherIsBetter: false, source: "monitor" },
  ],
  [
    "Lightning without monitor falls to the task default, logged name preferred",
    {
      task: "text-detection",
      monitor: { kind: "lightning", monitor: null, mode: "min" },
      available: LIGHTNING_RUN,
    },
    { name: "val/hmean", canonical: "hmean", higherIsBetter: true, source: "task-default" },
  ],
  [
    "cleval is preferred for the task default",
    { task: "text-detection", available: ["val/hmean", "cleval/hmean", "hmean"] },
    { name: "cleval/hmean", canonical: "hmean", higherIsBetter: true, source: "task-default" },
  ],
  [
    "HF metric_for_best_model gets the eval_ prefix",
    {
      task: "image-classification",
      monitor: { kind: "hf-trainer", metricForBestModel: "accuracy", greaterIsBetter: true },
    },
    { name: "eval_accuracy", canonical: "accuracy", higherIsBetter: true, source: "monitor" },
  ],
  [
    "HF loss without greater_is_better is minimised",
    {
      task: "language-modelling",
      monitor: { kind: "hf-trainer", metricForBestModel: "loss", greaterIsBetter: null },
    },
    { name: "eval_loss", canonical: "validation_loss", higherIsBetter: false, source: "monitor" },
  ],
  [
    "HF f1 without greater_is_better is maximised",
    {
      task: "generic",
      monitor: { kind: "hf-trainer", metricForBestModel: "eval_f1", greaterIsBetter: null },
    },
    { name: "eval_f1", canonical: "hmean", higherIsBetter: true, source: "monitor" },
  ],
  [
    "HF without metric_for_best_model uses the task default",
    {
      task: "language-modelling",
      monitor: { kind: "hf-trainer", metricForBestModel: null, greaterIsBetter: null },
    },
    { name: "validation_loss", canonical: "validation_loss", higherIsBetter: false, source: "task-default" },
  ],
  [
    "timm eval_metric top1",
    {
      task: "image-classification",
      monitor: { kind: "timm", evalMetric: "top1", decreasing: false },
      available: TIMM_RUN,
    },
    { name: "eval_top1", canonical: "accuracy", higherIsBetter: true, source: "monitor" },
  ],
  [
    "timm eval_metric loss is decreasing",
    { task: "image-classification", monitor: { kind: "timm", evalMetric: "loss", decreasing: null } },
    { name: "eval_loss", canonical: "validation_loss", higherIsBetter: false, source: "monitor" },
  ],
  [
    "timm without args defaults to top1",
    { task: "image-classification", monitor: { kind: "timm", evalMetric: null, decreasing: null } },
    { name: "eval_top1", canonical: "accuracy", higherIsBetter: true, source: "monitor" },
  ],
  [
    "Ultralytics uses the detection default mAP50",
    { task: "object-detection", available: ULTRALYTICS_RUN },
    { name: "metrics/mAP50(B)", canonical: "mAP50", higherIsBetter: true, source: "task-default" },
  ],
  [
    "task default not logged: validation loss fallback",
    { task: "object-detection", available: ["val/loss", "train/loss"] },
    { name: "val/loss", canonical: "validation_loss", higherIsBetter: false, source: "fallback" },
  ],
  [
    "generic without monitor: validation loss fallback",
    { task: "generic", available: ["eval_loss", "loss"] },
    { name: "eval_loss", canonical: "validation_loss", higherIsBetter: false, source: "fallback" },
  ],
  [
    "nothing logged: the task default by canonical name",
    { task: "semantic-segmentation", available: [] },
    { name: "miou", canonical: "miou", higherIsBetter: true, source: "task-default" },
  ],
];

describe("choosePrimaryMetric", () => {
  test.each(cases)("%s", (_name, options, expected) => {
    expect(choosePrimaryMetric(options)).toEqual(expected);
  });
});
