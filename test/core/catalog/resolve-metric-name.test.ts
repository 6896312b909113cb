import { describe, expect, test } from "bun:test";
import {
  otherLoggedMetrics,
  type ResolvedMetric,
  resolveMetricName,
  suggestMetricNames,
} from "../../../src/core/catalog/resolve-metric-name.ts";
import type { Result } from "../../../src/core/result.ts";

// Names a catalog of Lightning, timm and Ultralytics runs logs (primary names and additional_metrics keys).
const logged = [
  "cleval/hmean",
  "val/hmean",
  "val/loss",
  "lr-AdamW",
  "metrics/mAP50(B)",
  "metrics/mAP50-95(B)",
  "top1",
  "val/cer",
];

describe("resolveMetricName", () => {
  const cases: [string, Result<ResolvedMetric, readonly string[]>][] = [
    [
      "hmean",
      { success: true, data: { key: "hmean", canonical: "hmean", spellings: ["cleval/hmean", "val/hmean"] } },
    ],
    [
      "HMEAN",
      { success: true, data: { key: "hmean", canonical: "hmean", spellings: ["cleval/hmean", "val/hmean"] } },
    ],
    [
      "val/hmean",
      { success: true, data: { key: "hmean", canonical: "hmean", spellings: ["cleval/hmean", "val/hmean"] } },
    ],
    [
      "f1",
      { success: true, data: { key: "hmean", canonical: "hmean", spellings: ["cleval/hmean", "val/hmean"] } },
    ],
    [
      "val_loss",
      {
        success: true,
        data: { key: "validation_loss", canonical: "validation_loss", spellings: ["val/loss"] },
      },
    ],
    [
      "map50-95",
      { success: true, data: { key: "mAP50-95", canonical: "mAP50-95", spellings: ["metrics/mAP50-95(B)"] } },
    ],
    [
      "metrics/mAP50(B)",
      { success: true, data: { key: "mAP50", canonical: "mAP50", spellings: ["metrics/mAP50(B)"] } },
    ],
    ["MASK_MAP50", { success: true, data: { key: "mask_mAP50", canonical: "mask_mAP50", spellings: [] } }],
    ["eval_top1", { success: true, data: { key: "accuracy", canonical: "accuracy", spellings: ["top1"] } }],
    ["miou", { success: true, data: { key: "miou", canonical: "miou", spellings: [] } }],
    ["lr-AdamW", { success: true, data: { key: "lr-AdamW", canonical: null, spellings: ["lr-AdamW"] } }],
    ["lr-adamw", { success: true, data: { key: "lr-AdamW", canonical: null, spellings: ["lr-AdamW"] } }],
    ["val/cer", { success: true, data: { key: "val/cer", canonical: null, spellings: ["val/cer"] } }],
    ...["mAP50-95", "map50_95", "metrics/mAP50-95(B)", "mAP50-95(B)", "MAP@0.5:0.95", "map_50_95"].map(
      (typed): [string, Result<ResolvedMetric, readonly string[]>] => [
        typed,
        {
          success: true,
          data: { key: "mAP50-95", canonical: "mAP50-95", spellings: ["metrics/mAP50-95(B)"] },
        },
      ],
    ),
    ...["top1", "eval_top1", "accuracy_top1", "Top-1"].map(
      (typed): [string, Result<ResolvedMetric, readonly string[]>] => [
        typed,
        { success: true, data: { key: "accuracy", canonical: "accuracy", spellings: ["top1"] } },
      ],
    ),
    ["map50_96", { success: false, error: ["map50-95"] }],
    ["hmaen", { success: false, error: ["hmean"] }],
    ["val_los", { success: false, error: ["val_loss"] }],
    ["lr-adam", { success: false, error: ["lr-AdamW"] }],
    ["accuarcy", { success: false, error: ["accuracy"] }],
    ["train/hmean", { success: false, error: [] }],
    ["zzz", { success: false, error: [] }],
  ];
  for (const [typed, expected] of cases) {
    test(typed, () => expect(resolveMetricName(typed, logged)).toEqual(expected));
  }
});

describe("suggestMetricNames", () => {
  test("extra choices compete with metric names", () =>
    expect(suggestMetricNames("epoc", logged, ["epoch", "step"])).toEqual(["epoch"]));
  test("one suggestion per catalog key", () =>
    expect(suggestMetricNames("acc2", [])).toEqual(["acc", "acc5"]));
});

describe("otherLoggedMetrics", () => {
  test("names that are no canonical metric nor an alias of one, sorted", () =>
    expect(otherLoggedMetrics([...logged, "lr-AdamW"])).toEqual(["lr-AdamW", "val/cer"]));
});
