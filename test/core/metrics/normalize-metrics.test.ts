import { describe, expect, test } from "bun:test";
import { type CanonicalMetric, metricDefinition } from "../../../src/core/metrics/metric-catalog.ts";
import {
  type NormalizedMetrics,
  type NormalizeOptions,
  normalizeMetrics,
  type StandardMetricValue,
} from "../../../src/core/metrics/normalize-metrics.ts";

function standardValue(canonical: CanonicalMetric, rawName: string, rawValue: number, value = rawValue) {
  return { value, definition: metricDefinition(canonical), rawName, rawValue } satisfies StandardMetricValue;
}

const CLEVAL_RAW = {
  "cleval/hmean": 0.9811,
  "cleval/precision": 0.99,
  "cleval/recall": 0.97,
  "val/hmean": 0.9805,
  "val/precision": 0.985,
  "val/recall": 0.976,
  "val/loss": 0.51,
  "train/loss_epoch": 0.62,
  "train/loss_step": 0.7,
  "lr-Adam": 0.01,
  epoch: 4,
  step: 40,
};

// Last row of the real timm summary.csv (values 0-100).
const TIMM_RAW = {
  epoch: 2,
  train_loss: 1.8,
  eval_loss: 12.5,
  eval_top1: 83.33333333333333,
  eval_top5: 100,
  lr: 0.0125,
};

// train_metrics of the real Ultralytics epoch25.pt.
const ULTRALYTICS_RAW = {
  "metrics/precision(B)": 0.43136,
  "metrics/recall(B)": 0.09258,
  "metrics/mAP50(B)": 0.08222,
  "metrics/mAP50-95(B)": 0.01676,
  "val/box_loss": 3.41286,
  "val/cls_loss": 2.70648,
  "val/dfl_loss": 1.61055,
  fitness: 0.0233,
};

const cases: readonly (readonly [string, NormalizeOptions, NormalizedMetrics])[] = [
  [
    "cleval beats val/ for standard; the monitor keeps its own logged name",
    {
      raw: CLEVAL_RAW,
      task: "text-detection",
      monitor: { kind: "lightning", monitor: "val/hmean", mode: "max" },
    },
    {
      standard: {
        hmean: standardValue("hmean", "cleval/hmean", 0.9811),
        precision: standardValue("precision", "cleval/precision", 0.99),
        recall: standardValue("recall", "cleval/recall", 0.97),
        validation_loss: standardValue("validation_loss", "val/loss", 0.51),
      },
      custom: {
        "val/hmean": 0.9805,
        "val/precision": 0.985,
        "val/recall": 0.976,
        "train/loss_epoch": 0.62,
        "train/loss_step": 0.7,
        "lr-Adam": 0.01,
        epoch: 4,
        step: 40,
      },
      additional: CLEVAL_RAW,
      primary: {
        name: "val/hmean",
        canonical: "hmean",
        higherIsBetter: true,
        source: "monitor",
        value: 0.9805,
      },
    },
  ],
  [
    "timm percentages become fractions in standard, raw values stay as logged",
    {
      raw: TIMM_RAW,
      task: "image-classification",
      monitor: { kind: "timm", evalMetric: "top1", decreasing: false },
    },
    {
      standard: {
        accuracy: standardValue("accuracy", "eval_top1", 83.33333333333333, 83.33333333333333 / 100),
        top5_accuracy: standardValue("top5_accuracy", "eval_top5", 100, 1),
        train_loss: standardValue("train_loss", "train_loss", 1.8),
        validation_loss: standardValue("validation_loss", "eval_loss", 12.5),
      },
      custom: { epoch: 2, lr: 0.0125 },
      additional: TIMM_RAW,
      primary: {
        name: "eval_top1",
        canonical: "accuracy",
        higherIsBetter: true,
        source: "monitor",
        value: 83.33333333333333,
      },
    },
  ],
  [
    "Ultralytics detection: task default mAP50, fitness stays custom",
    { raw: ULTRALYTICS_RAW, task: "object-detection" },
    {
      standard: {
        mAP50: standardValue("mAP50", "metrics/mAP50(B)", 0.08222),
        "mAP50-95": standardValue("mAP50-95", "metrics/mAP50-95(B)", 0.01676),
        precision: standardValue("precision", "metrics/precision(B)", 0.43136),
        recall: standardValue("recall", "metrics/recall(B)", 0.09258),
        val_box_loss: standardValue("val_box_loss", "val/box_loss", 3.41286),
        val_cls_loss: standardValue("val_cls_loss", "val/cls_loss", 2.70648),
        val_dfl_loss: standardValue("val_dfl_loss", "val/dfl_loss", 1.61055),
      },
      custom: { fitness: 0.0233 },
      additional: ULTRALYTICS_RAW,
      primary: {
        name: "metrics/mAP50(B)",
        canonical: "mAP50",
        higherIsBetter: true,
        source: "task-default",
        value: 0.08222,
      },
    },
  ],
  [
    "a NaN under the preferred name loses to a finite value",
    { raw: { "cleval/hmean": Number.NaN, "val/hmean": 0.8, hmean: 0.7 }, task: "text-detection" },
    {
      standard: { hmean: standardValue("hmean", "val/hmean", 0.8) },
      custom: { "cleval/hmean": Number.NaN, hmean: 0.7 },
      additional: { "cleval/hmean": Number.NaN, "val/hmean": 0.8, hmean: 0.7 },
      primary: {
        name: "val/hmean",
        canonical: "hmean",
        higherIsBetter: true,
        source: "task-default",
        value: 0.8,
      },
    },
  ],
  [
    "a monitored custom metric is the primary; the monitor's canonical metric joins standard",
    {
      raw: { "val/acc": 0.9, "val/my_score": 3, val_loss: 0.2 },
      task: "text-detection",
      monitor: { kind: "lightning", monitor: "val/acc", mode: "max" },
    },
    {
      standard: {
        validation_loss: standardValue("validation_loss", "val_loss", 0.2),
        accuracy: standardValue("accuracy", "val/acc", 0.9),
      },
      custom: { "val/my_score": 3 },
      additional: { "val/acc": 0.9, "val/my_score": 3, val_loss: 0.2 },
      primary: {
        name: "val/acc",
        canonical: "accuracy",
        higherIsBetter: true,
        source: "monitor",
        value: 0.9,
      },
    },
  ],
  [
    "generic run with a custom monitor",
    {
      raw: { "val/my_score": 3, loss: 0.3 },
      task: "generic",
      monitor: { kind: "lightning", monitor: "val/my_score", mode: "max" },
    },
    {
      standard: { train_loss: standardValue("train_loss", "loss", 0.3) },
      custom: { "val/my_score": 3 },
      additional: { "val/my_score": 3, loss: 0.3 },
      primary: { name: "val/my_score", canonical: null, higherIsBetter: true, source: "monitor", value: 3 },
    },
  ],
  [
    "a monitor that was not logged has no value",
    { raw: { loss: 0.3 }, task: "generic", monitor: { kind: "lightning", monitor: "val/loss", mode: "min" } },
    {
      standard: { train_loss: standardValue("train_loss", "loss", 0.3) },
      custom: {},
      additional: { loss: 0.3 },
      primary: {
        name: "val/loss",
        canonical: "validation_loss",
        higherIsBetter: false,
        source: "monitor",
        value: null,
      },
    },
  ],
  [
    "nothing logged",
    { raw: {}, task: "generic" },
    {
      standard: {},
      custom: {},
      additional: {},
      primary: {
        name: "validation_loss",
        canonical: "validation_loss",
        higherIsBetter: false,
        source: "fallback",
        value: null,
      },
    },
  ],
];

describe("normalizeMetrics", () => {
  test.each(cases)("%s", (_name, options, expected) => {
    expect(normalizeMetrics(options)).toEqual(expected);
  });
});

test("every raw value stays available, whatever the task", () => {
  const result = normalizeMetrics({ raw: CLEVAL_RAW, task: "object-detection" });
  expect(result.additional).toEqual(CLEVAL_RAW);
  const placed = [
    ...Object.values(result.standard).map((entry) => entry.rawName),
    ...Object.keys(result.custom),
  ];
  expect(placed.sort()).toEqual(Object.keys(CLEVAL_RAW).sort());
});
