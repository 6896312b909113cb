import type { CanonicalMetric } from "./metric-catalog.ts";
import { type MetricKind, metricSpelling } from "./metric-spellings.ts";

export const METRIC_SPLITS = ["train", "val", "test"] as const;
export type MetricSplit = (typeof METRIC_SPLITS)[number];

/**
 * How a logged percent-format value is scaled: `fraction` means [0, 1] (values in (1, 100] are taken as already
 * percent, since a fraction cannot exceed 1); `percent` means 0–100 (timm's `top1`/`top5`, torchvision's `acc1`).
 */
export type ValueScale = "fraction" | "percent";

export type MetricNameMatch = {
  /** Null when the name is not a known metric, or names a train/test value of a validation metric. */
  readonly canonical: CanonicalMetric | null;
  readonly split: MetricSplit | null;
  /** Lower wins when several logged names map to one canonical metric (see `rankOf`). */
  readonly precedence: number;
  readonly scale: ValueScale;
};

type QualityRule = {
  readonly canonical: CanonicalMetric;
  readonly synonym?: true;
  readonly scale?: ValueScale;
};

// Validation-quality metrics by lower-case base name (after any split prefix and `_step`/`_epoch` suffix).
const QUALITY = new Map<string, QualityRule>([
  ["hmean", { canonical: "hmean" }],
  ["h-mean", { canonical: "hmean" }],
  ["f1", { canonical: "hmean", synonym: true }],
  ["f1_score", { canonical: "hmean", synonym: true }],
  ["precision", { canonical: "precision" }],
  ["recall", { canonical: "recall" }],
  ["accuracy", { canonical: "accuracy" }],
  ["acc", { canonical: "accuracy" }],
  ["top1", { canonical: "accuracy", synonym: true, scale: "percent" }],
  ["acc1", { canonical: "accuracy", synonym: true, scale: "percent" }],
  ["top1_accuracy", { canonical: "accuracy", synonym: true }],
  ["top5_accuracy", { canonical: "top5_accuracy" }],
  ["top5", { canonical: "top5_accuracy", synonym: true, scale: "percent" }],
  ["acc5", { canonical: "top5_accuracy", synonym: true, scale: "percent" }],
  ["miou", { canonical: "miou" }],
  ["mean_iou", { canonical: "miou" }],
  ["pixel_accuracy", { canonical: "pixel_accuracy" }],
  ["overall_accuracy", { canonical: "pixel_accuracy", synonym: true }],
  ["aacc", { canonical: "pixel_accuracy", synonym: true }],
  ["map50", { canonical: "mAP50" }],
  ["map_50", { canonical: "mAP50", synonym: true }],
  ["map50-95", { canonical: "mAP50-95" }],
  ["map", { canonical: "mAP50-95", synonym: true }],
  ["perplexity", { canonical: "perplexity" }],
  ["ppl", { canonical: "perplexity", synonym: true }],
]);

// Losses carry their split in the canonical name; a bare `loss` is the training loss (HF Trainer, Keras).
const SPLIT_LOSSES = new Map<
  string,
  { readonly train: CanonicalMetric; readonly val: CanonicalMetric | null }
>([
  ["loss", { train: "train_loss", val: "validation_loss" }],
  ["box_loss", { train: "train_box_loss", val: "val_box_loss" }],
  ["cls_loss", { train: "train_cls_loss", val: "val_cls_loss" }],
  ["dfl_loss", { train: "train_dfl_loss", val: "val_dfl_loss" }],
  ["seg_loss", { train: "train_seg_loss", val: "val_seg_loss" }],
  ["pose_loss", { train: "train_pose_loss", val: "val_pose_loss" }],
  ["kobj_loss", { train: "train_kobj_loss", val: "val_kobj_loss" }],
]);

/** Source families, best first: the seed trusts `cleval/` most; explicit split prefixes beat bare names. */
const FAMILY = { cleval: 0, prefixed: 1, bare: 2 } as const;
type Family = (typeof FAMILY)[keyof typeof FAMILY];

const PREFIXES: readonly { readonly prefix: string; readonly split: MetricSplit; readonly family: Family }[] =
  [
    { prefix: "cleval/", split: "val", family: FAMILY.cleval },
    // `metrics/` is YOLOv5's results.csv group (`metrics/mAP_0.5:0.95`): validation values.
    ...["val/", "valid/", "validation/", "eval/", "metrics/", "val_", "valid_", "validation_", "eval_"].map(
      (prefix) => ({
        prefix,
        split: "val" as const,
        family: FAMILY.prefixed,
      }),
    ),
    ...["test/", "test_"].map((prefix) => ({ prefix, split: "test" as const, family: FAMILY.prefixed })),
    ...["train/", "training/", "train_"].map((prefix) => ({
      prefix,
      split: "train" as const,
      family: FAMILY.prefixed,
    })),
  ];

// Lightning `on_epoch` aggregates beat unsuffixed names, which beat noisy per-batch `_step` values.
const AGGREGATION_RANK = { epoch: 0, none: 1, step: 2 } as const;
type Aggregation = keyof typeof AGGREGATION_RANK;

const ULTRALYTICS_KIND: Readonly<Record<string, string>> = { b: "", m: "mask_", p: "pose_" };
const ULTRALYTICS_BASE: Readonly<Record<string, string>> = {
  precision: "precision",
  recall: "recall",
  map50: "mAP50",
  "map50-95": "mAP50-95",
};
// `(B)`/`(M)`/`(P)` as in results.csv; MLflow strips the parentheses (`metrics/mAP50B`); users type `mAP50-95(B)`.
const ULTRALYTICS_METRIC =
  /^(?:metrics\/(precision|recall|map50-95|map50)(?:\(([bmp])\)|([bmp]))|(precision|recall|map50-95|map50)\(([bmp])\))$/;
const ULTRALYTICS_TOP = /^metrics\/accuracy_top([15])$/;
const KIND_PREFIX: Readonly<Record<MetricKind, string>> = { box: "", mask: "mask_", pose: "pose_" };

/** Precedence as one number: family, then exact name before synonym, then aggregation. Lower wins. */
function rankOf(family: Family, synonym: boolean, aggregation: Aggregation): number {
  return family * 100 + (synonym ? 10 : 0) + AGGREGATION_RANK[aggregation];
}

function matchUltralytics(lower: string): MetricNameMatch | null {
  // Both patterns need `metrics/` or a `(`: other names never run (nor, on a command's first name, compile) them.
  if (!lower.startsWith("metrics/") && !lower.includes("(")) return null;
  const top = ULTRALYTICS_TOP.exec(lower);
  if (top) {
    const canonical = top[1] === "1" ? "accuracy" : "top5_accuracy";
    return { canonical, split: "val", precedence: rankOf(FAMILY.prefixed, false, "none"), scale: "fraction" };
  }
  const metric = ULTRALYTICS_METRIC.exec(lower);
  const base = ULTRALYTICS_BASE[metric?.[1] ?? metric?.[4] ?? ""];
  const kind = ULTRALYTICS_KIND[metric?.[2] ?? metric?.[3] ?? metric?.[5] ?? ""];
  if (base === undefined || kind === undefined) return null;
  const canonical = `${kind}${base}`;
  return {
    canonical: isUltralyticsCanonical(canonical) ? canonical : null,
    split: "val",
    precedence: rankOf(FAMILY.prefixed, false, "none"),
    scale: "fraction",
  };
}

function isUltralyticsCanonical(name: string): name is CanonicalMetric {
  return /^(mask_|pose_)?(precision|recall|mAP50|mAP50-95)$/.test(name);
}

/** `mAP50-95` of masks is `mask_mAP50-95`; a kind that has no such metric names nothing. */
function kindedCanonical(canonical: CanonicalMetric, kind: MetricKind | null): CanonicalMetric | null {
  if (kind === null || kind === "box") return canonical;
  const named = `${KIND_PREFIX[kind]}${canonical}`;
  return isUltralyticsCanonical(named) ? named : null;
}

function splitAggregation(lower: string): { base: string; aggregation: Aggregation } {
  if (lower.endsWith("_epoch")) return { base: lower.slice(0, -"_epoch".length), aggregation: "epoch" };
  if (lower.endsWith("_step")) return { base: lower.slice(0, -"_step".length), aggregation: "step" };
  return { base: lower, aggregation: "none" };
}

function splitPrefix(name: string): { base: string; split: MetricSplit | null; family: Family } {
  const found = PREFIXES.find(({ prefix }) => name.startsWith(prefix) && name.length > prefix.length);
  if (!found) return { base: name, split: null, family: FAMILY.bare };
  return { base: name.slice(found.prefix.length), split: found.split, family: found.family };
}

/**
 * Map a logged metric name from any framework to its canonical name and split. Matching is case-insensitive.
 * `train/…` and `test/…` names never map to a validation metric; losses map by split (`train/loss` → train_loss,
 * `val_loss` → validation_loss; a bare `loss` is the training loss).
 * @example canonicalMetricName("cleval/hmean") → { canonical: "hmean", split: "val", precedence: 0, scale: "fraction" }
 */
export function canonicalMetricName(raw: string): MetricNameMatch {
  const lower = raw.trim().toLowerCase();
  const ultralytics = matchUltralytics(lower);
  if (ultralytics) return ultralytics;
  const { base: unsuffixed, aggregation } = splitAggregation(lower);
  const { base, split, family } = splitPrefix(unsuffixed);
  const loss = SPLIT_LOSSES.get(base);
  if (loss) {
    const effectiveSplit = split ?? (base === "loss" ? "train" : null);
    const canonical = effectiveSplit === "train" ? loss.train : effectiveSplit === "val" ? loss.val : null;
    return {
      canonical,
      split: effectiveSplit,
      precedence: rankOf(family, false, aggregation),
      scale: "fraction",
    };
  }
  const spelling = metricSpelling(base);
  const quality = QUALITY.get(spelling.base);
  const canonical = quality === undefined ? null : kindedCanonical(quality.canonical, spelling.kind);
  if (quality === undefined || canonical === null)
    return { canonical: null, split, precedence: rankOf(family, false, aggregation), scale: "fraction" };
  const isValidation = split === null || split === "val";
  return {
    canonical: isValidation ? canonical : null,
    split,
    precedence: rankOf(family, quality.synonym === true, aggregation),
    scale: quality.scale ?? "fraction",
  };
}

/**
 * The logged names among `names` that stand for `canonical`, the one that wins first: lowest precedence, then
 * alphabetical. A value for `canonical` is the first of these an entry has.
 * @example loggedNamesOf("hmean", ["val/hmean", "lr", "cleval/hmean"]) → ["cleval/hmean", "val/hmean"]
 */
export function loggedNamesOf(canonical: CanonicalMetric, names: Iterable<string>): string[] {
  const matching = [...names].flatMap((name) => {
    const match = canonicalMetricName(name);
    return match.canonical === canonical ? [{ name, precedence: match.precedence }] : [];
  });
  matching.sort((a, b) => a.precedence - b.precedence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return matching.map((match) => match.name);
}

/**
 * The logged name that stands for `canonical` among `names`: lowest precedence, then the alphabetically first.
 * @example pickLoggedName("hmean", ["val/hmean", "cleval/hmean"]) → "cleval/hmean"
 */
export function pickLoggedName(canonical: CanonicalMetric, names: Iterable<string>): string | null {
  return loggedNamesOf(canonical, names)[0] ?? null;
}

/** Short spellings the alias table knows (`f1`, `top1`, `map`, `val_loss`, …), for "did you mean" suggestions. */
export function metricAliasSpellings(): string[] {
  const losses = [...SPLIT_LOSSES.keys()].flatMap((base) => [base, `val_${base}`, `train_${base}`]);
  return [...QUALITY.keys(), ...losses];
}
