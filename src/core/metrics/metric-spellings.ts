/**
 * Spellings of the same quality metric that frameworks log and users type, reduced to the alias table's base name:
 * `map50_95`, `mAP@0.5:0.95`, `mAP_0.5:0.95` (YOLOv5), `AP50-95` → `map50-95`; `map@0.5`, `map_50` → `map50`;
 * `accuracy_top1`, `top1_acc`, `acc@1`, `top-1` → `top1_accuracy` (scale unknown, unlike timm's percent `top1`). A kind prefix names the mask or keypoint variant
 * (`mask_map50_95`, `segm_mAP` (mmdet) → mask; `pose_`, `kpt_` → pose; `box_`, `bbox_` → box).
 */

export type MetricKind = "box" | "mask" | "pose";

export type Spelling = { readonly base: string; readonly kind: MetricKind | null };

const MAP_FORMS: readonly (readonly [RegExp, string])[] = [
  [/^(?:map|ap)[@_]?(?:0?\.5|50)[:_-]?(?:0?\.95|95)$/, "map50-95"],
  [/^(?:map|ap)[@_]?(?:0?\.5|50)$/, "map50"],
  [/^(?:(?:accuracy|acc)[_@-]?top[_-]?1|top[_-]?1[_-]?(?:acc|accuracy)|acc@1|top[-_]1)$/, "top1_accuracy"],
  [/^(?:(?:accuracy|acc)[_@-]?top[_-]?5|top[_-]?5[_-]?acc|acc@5|top[-_]5)$/, "top5_accuracy"],
];

const KINDS: readonly (readonly [RegExp, MetricKind])[] = [
  [/^(?:mask|segm|seg)[_/-]?/, "mask"],
  [/^(?:pose|kpt|keypoints?)[_/-]?/, "pose"],
  [/^(?:box|bbox)[_/-]?/, "box"],
];

// A kind prefix only qualifies these bases: `box_loss` stays a loss, `seg_loss` a segmentation loss.
const KINDED_BASES = new Set(["map50-95", "map50", "map", "precision", "recall"]);

/** The first letters a `MAP_FORMS` or `KINDS` pattern can match at: other names skip (and never compile) them. */
const MAP_FORM_STARTS = new Set(["m", "a", "t"]);
const KIND_STARTS = new Set(["m", "s", "p", "k", "b"]);

function normalForm(lower: string): string {
  if (!MAP_FORM_STARTS.has(lower.charAt(0))) return lower;
  for (const [pattern, base] of MAP_FORMS) if (pattern.test(lower)) return base;
  return lower;
}

/**
 * The base name and kind of a lower-case, unprefixed metric name; a name without a known spelling comes back as is.
 * @example metricSpelling("mask_map50_95") → { base: "map50-95", kind: "mask" }
 */
export function metricSpelling(lower: string): Spelling {
  if (!KIND_STARTS.has(lower.charAt(0))) return { base: normalForm(lower), kind: null };
  for (const [pattern, kind] of KINDS) {
    const match = pattern.exec(lower);
    if (match === null || match[0] === lower) continue;
    const base = normalForm(lower.slice(match[0].length));
    if (KINDED_BASES.has(base)) return { base, kind };
  }
  return { base: normalForm(lower), kind: null };
}
