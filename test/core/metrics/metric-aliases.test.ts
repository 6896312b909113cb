import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  canonicalMetricName,
  loggedNamesOf,
  type MetricNameMatch,
  metricAliasSpellings,
  pickLoggedName,
} from "../../../src/core/metrics/metric-aliases.ts";

function match(
  canonical: MetricNameMatch["canonical"],
  split: MetricNameMatch["split"],
  precedence: number,
  scale: MetricNameMatch["scale"] = "fraction",
): MetricNameMatch {
  return { canonical, split, precedence, scale };
}

// Precedence = family (cleval 0, split prefix 100, bare 200) + synonym 10 + aggregation (_epoch 0, none 1, _step 2).
const cases: readonly (readonly [string, MetricNameMatch])[] = [
  // text detection (seed 000 pattern rules)
  ["cleval/hmean", match("hmean", "val", 1)],
  ["val/hmean", match("hmean", "val", 101)],
  ["hmean", match("hmean", null, 201)],
  ["val_hmean", match("hmean", "val", 101)],
  ["val/hmean_epoch", match("hmean", "val", 100)],
  ["f1", match("hmean", null, 211)],
  ["val/f1", match("hmean", "val", 111)],
  ["eval_f1", match("hmean", "val", 111)],
  ["precision", match("precision", null, 201)],
  ["val/precision", match("precision", "val", 101)],
  ["cleval/precision", match("precision", "val", 1)],
  ["recall", match("recall", null, 201)],
  ["val/recall", match("recall", "val", 101)],
  ["cleval/recall", match("recall", "val", 1)],
  ["val/loss", match("validation_loss", "val", 101)],
  ["val_loss", match("validation_loss", "val", 101)],
  ["validation_loss", match("validation_loss", "val", 101)],
  ["eval_loss", match("validation_loss", "val", 101)],
  ["VAL/Loss", match("validation_loss", "val", 101)],
  // training values never become validation metrics
  ["train/loss_epoch", match("train_loss", "train", 100)],
  ["train/loss_step", match("train_loss", "train", 102)],
  ["train_loss", match("train_loss", "train", 101)],
  ["loss", match("train_loss", "train", 201)],
  ["train/hmean", match(null, "train", 101)],
  ["train/acc_epoch", match(null, "train", 100)],
  ["test/hmean", match(null, "test", 101)],
  ["test_loss", match(null, "test", 101)],
  // Ultralytics: (B) box, (M) mask, (P) pose; MLflow drops the parentheses
  ["metrics/precision(B)", match("precision", "val", 101)],
  ["metrics/recall(B)", match("recall", "val", 101)],
  ["metrics/mAP50(B)", match("mAP50", "val", 101)],
  ["metrics/mAP50-95(B)", match("mAP50-95", "val", 101)],
  ["metrics/mAP50B", match("mAP50", "val", 101)],
  ["metrics/mAP50(M)", match("mask_mAP50", "val", 101)],
  ["metrics/mAP50-95(M)", match("mask_mAP50-95", "val", 101)],
  ["metrics/precision(M)", match("mask_precision", "val", 101)],
  ["metrics/recall(M)", match("mask_recall", "val", 101)],
  ["metrics/mAP50(P)", match("pose_mAP50", "val", 101)],
  ["metrics/mAP50-95(P)", match("pose_mAP50-95", "val", 101)],
  ["metrics/recall(P)", match("pose_recall", "val", 101)],
  ["metrics/accuracy_top1", match("accuracy", "val", 101)],
  ["metrics/accuracy_top5", match("top5_accuracy", "val", 101)],
  ["train/box_loss", match("train_box_loss", "train", 101)],
  ["train/cls_loss", match("train_cls_loss", "train", 101)],
  ["train/dfl_loss", match("train_dfl_loss", "train", 101)],
  ["val/box_loss", match("val_box_loss", "val", 101)],
  ["val/cls_loss", match("val_cls_loss", "val", 101)],
  ["val/dfl_loss", match("val_dfl_loss", "val", 101)],
  ["train/seg_loss", match("train_seg_loss", "train", 101)],
  ["val/seg_loss", match("val_seg_loss", "val", 101)],
  ["train/pose_loss", match("train_pose_loss", "train", 101)],
  ["val/kobj_loss", match("val_kobj_loss", "val", 101)],
  ["fitness", match(null, null, 201)],
  ["lr/pg0", match(null, null, 201)],
  ["lr/pg1", match(null, null, 201)],
  ["lr/pg2", match(null, null, 201)],
  ["time", match(null, null, 201)],
  // classification: timm logs 0-100, Ultralytics and HF log fractions
  ["eval_top1", match("accuracy", "val", 111, "percent")],
  ["eval_top5", match("top5_accuracy", "val", 111, "percent")],
  ["top1", match("accuracy", null, 211, "percent")],
  ["top5", match("top5_accuracy", null, 211, "percent")],
  ["val/acc", match("accuracy", "val", 101)],
  ["val_acc", match("accuracy", "val", 101)],
  ["accuracy", match("accuracy", null, 201)],
  ["eval_accuracy", match("accuracy", "val", 101)],
  // spellings users type and other tools log (YOLOv5 results.csv, mmdet, COCO)
  ["mAP50-95", match("mAP50-95", null, 201)],
  ["map50_95", match("mAP50-95", null, 201)],
  ["map_50_95", match("mAP50-95", null, 201)],
  ["mAP@0.5:0.95", match("mAP50-95", null, 201)],
  ["mAP@.5:.95", match("mAP50-95", null, 201)],
  ["AP50-95", match("mAP50-95", null, 201)],
  ["metrics/mAP_0.5:0.95", match("mAP50-95", "val", 101)],
  ["metrics/mAP_0.5", match("mAP50", "val", 101)],
  ["mAP50-95(B)", match("mAP50-95", "val", 101)],
  ["mAP50(M)", match("mask_mAP50", "val", 101)],
  ["map@0.5", match("mAP50", null, 201)],
  ["AP50", match("mAP50", null, 201)],
  ["bbox_mAP_50", match("mAP50", null, 201)],
  ["segm_mAP", match("mask_mAP50-95", null, 211)],
  ["mask_map50_95", match("mask_mAP50-95", null, 201)],
  ["pose_map50", match("pose_mAP50", null, 201)],
  ["kpt_mAP50-95", match("pose_mAP50-95", null, 201)],
  ["accuracy_top1", match("accuracy", null, 211)],
  ["top1_acc", match("accuracy", null, 211)],
  ["acc@5", match("top5_accuracy", null, 201)],
  ["top-1", match("accuracy", null, 211)],
  ["mask_loss", match(null, null, 201)],
  // segmentation, language modelling
  ["miou", match("miou", null, 201)],
  ["mIoU", match("miou", null, 201)],
  ["val/miou", match("miou", "val", 101)],
  ["eval_mean_iou", match("miou", "val", 101)],
  ["eval_perplexity", match("perplexity", "val", 101)],
  // bookkeeping columns and unknown names stay custom
  ["epoch", match(null, null, 201)],
  ["step", match(null, null, 201)],
  ["lr", match(null, null, 201)],
  ["lr-Adam", match(null, null, 201)],
  ["lr-AdamW", match(null, null, 201)],
  ["learning_rate", match(null, null, 201)],
  ["grad_norm", match(null, null, 201)],
  ["eval_runtime", match(null, "val", 101)],
  ["eval_samples_per_second", match(null, "val", 101)],
  ["hp_metric", match(null, null, 201)],
  ["constructor", match(null, null, 201)],
];

describe("canonicalMetricName", () => {
  test.each(cases)("%s", (raw, expected) => {
    expect(canonicalMetricName(raw)).toEqual(expected);
  });
});

const REAL_RUNS = join(import.meta.dir, "../../fixtures/real");
const RUN_LOGS = new Set(["metrics.csv", "results.csv", "summary.csv"]);

function runLogHeaders(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return runLogHeaders(path);
    if (!RUN_LOGS.has(name)) return [];
    const header = readFileSync(path, "utf8").split("\n")[0] ?? "";
    return header.split(",").map((column) => column.trim());
  });
}

test("every column of the real run logs is in the alias table", () => {
  const columns = [...new Set(runLogHeaders(REAL_RUNS))].sort();
  const covered = new Set(cases.map(([raw]) => raw));
  expect(columns.filter((column) => !covered.has(column))).toEqual([]);
  expect(columns.length).toBeGreaterThan(20);
});

describe("pickLoggedName", () => {
  const table: readonly (readonly [string, Parameters<typeof pickLoggedName>, string | null])[] = [
    ["cleval beats val", ["hmean", ["hmean", "val/hmean", "cleval/hmean"]], "cleval/hmean"],
    ["val beats bare", ["hmean", ["hmean", "val/hmean"]], "val/hmean"],
    ["hmean beats f1", ["hmean", ["val/f1", "val/hmean"]], "val/hmean"],
    ["epoch beats step", ["train_loss", ["train/loss_step", "train/loss_epoch"]], "train/loss_epoch"],
    ["prefixed train loss beats bare loss", ["train_loss", ["loss", "train_loss"]], "train_loss"],
    ["ties go to the first name", ["accuracy", ["val_acc", "val/acc"]], "val/acc"],
    ["nothing logged", ["mAP50", ["val/loss"]], null],
  ];
  test.each(table)("%s", (_name, args, expected) => {
    expect(pickLoggedName(...args)).toEqual(expected);
  });
});

describe("loggedNamesOf", () => {
  const table: readonly (readonly [string, Parameters<typeof loggedNamesOf>, string[]])[] = [
    [
      "winner first",
      ["hmean", ["lr", "hmean", "val/hmean", "cleval/hmean"]],
      ["cleval/hmean", "val/hmean", "hmean"],
    ],
    [
      "Ultralytics spellings",
      ["mAP50-95", ["metrics/mAP50(B)", "metrics/mAP50-95(B)"]],
      ["metrics/mAP50-95(B)"],
    ],
    ["none", ["miou", ["val/loss"]], []],
  ];
  test.each(table)("%s", (_name, args, expected) => {
    expect(loggedNamesOf(...args)).toEqual(expected);
  });
});

describe("metricAliasSpellings", () => {
  test("every spelling is lower-case and unique", () => {
    const spellings = metricAliasSpellings();
    expect(spellings.filter((name) => name !== name.toLowerCase())).toEqual([]);
    expect(new Set(spellings).size).toBe(spellings.length);
  });
});
