import type { MetricPoint } from "../runs/metric-series.ts";
import { resultsRowsOf } from "../runs/ultralytics-results-csv.ts";

/**
 * Ultralytics' own "best": `best.pt` is the epoch with the highest fitness (`BaseTrainer.validate` →
 * `metrics.fitness`), a weighted sum of the validation metrics (`ultralytics/utils/metrics.py`):
 * detect/obb `Metric.fitness()` of the boxes; segment boxes + masks; pose boxes + keypoints; classify
 * `(top1 + top5) / 2`. `Metric.fitness()` weighted [P, R, mAP50, mAP50-95] as [0, 0, 0.1, 0.9] through 8.3 (seen in
 * 8.0.208 and 8.3.167) and as [0, 0, 0, 1] later (seen in 8.4.135); a fitness the checkpoint saved decides first.
 */

export const ULTRALYTICS_TASKS = ["detect", "segment", "pose", "classify", "obb"] as const;
export type UltralyticsTask = (typeof ULTRALYTICS_TASKS)[number];

const WEIGHTINGS = {
  "0.1/0.9": { map50: 0.1, map5095: 0.9 },
  "mAP50-95": { map50: 0, map5095: 1 },
} as const;
type Weighting = keyof typeof WEIGHTINGS;

/** The first release known to weigh mAP50-95 alone. */
const MAP5095_ONLY_SINCE = [8, 4, 0] as const;

export type FitnessTerm = { readonly column: string; readonly weight: number };

export type FitnessFormula = {
  /** results.csv / `train_metrics` columns and their weights. */
  readonly terms: readonly FitnessTerm[];
  /** `0.1·mAP50(B) + 0.9·mAP50-95(B)`: what a sidecar records as the value's source. */
  readonly text: string;
  /** Why these weights: the checkpoint's own saved fitness, or the package version. */
  readonly basis: string;
};

const KIND_OF_TASK: Readonly<Record<Exclude<UltralyticsTask, "classify">, readonly string[]>> = {
  detect: ["B"],
  obb: ["B"],
  segment: ["B", "M"],
  pose: ["B", "P"],
};
const TOP = ["metrics/accuracy_top1", "metrics/accuracy_top5"] as const;

function isTask(value: string | null): value is UltralyticsTask {
  return (ULTRALYTICS_TASKS as readonly (string | null)[]).includes(value);
}

/** The run's task: `train_args.task` / args.yaml, else what the metric columns show. */
export function ultralyticsTaskOf(task: string | null, columns: readonly string[]): UltralyticsTask | null {
  if (isTask(task)) return task;
  const has = (suffix: string) =>
    columns.some((column) => column.startsWith("metrics/") && column.endsWith(suffix));
  if (has("(M)")) return "segment";
  if (has("(P)")) return "pose";
  if (columns.includes(TOP[0])) return "classify";
  return has("(B)") ? "detect" : null;
}

function termsOf(task: UltralyticsTask, weighting: Weighting): FitnessTerm[] {
  if (task === "classify") return TOP.map((column) => ({ column, weight: 0.5 }));
  const weights = WEIGHTINGS[weighting];
  return KIND_OF_TASK[task].flatMap((kind) => [
    { column: `metrics/mAP50(${kind})`, weight: weights.map50 },
    { column: `metrics/mAP50-95(${kind})`, weight: weights.map5095 },
  ]);
}

function textOf(terms: readonly FitnessTerm[]): string {
  return terms
    .filter((term) => term.weight !== 0)
    .map((term) => `${term.weight === 1 ? "" : `${term.weight}·`}${term.column.replace(/^metrics\//, "")}`)
    .join(" + ");
}

/**
 * Fitness from one metric row (a results.csv row or `train_metrics`), as Ultralytics computes it: NaN counts as 0
 * (`np.nan_to_num`); a missing column gives null.
 */
export function fitnessFrom(
  formula: FitnessFormula,
  values: Readonly<Record<string, number>>,
): number | null {
  let sum = 0;
  for (const { column, weight } of formula.terms) {
    const value = values[column];
    if (value === undefined) return null;
    sum += weight * (Number.isNaN(value) ? 0 : value);
  }
  return sum;
}

function versionWeighting(version: string | null): { weighting: Weighting; basis: string } {
  const parts = /^(\d+)\.(\d+)\.(\d+)/
    .exec(version ?? "")
    ?.slice(1)
    .map(Number);
  if (parts === undefined)
    return { weighting: "0.1/0.9", basis: "ultralytics version unknown: the 8.x weights" };
  const later = MAP5095_ONLY_SINCE.findIndex((part, index) => (parts[index] ?? 0) !== part);
  const atLeast = later === -1 || (parts[later] ?? 0) > (MAP5095_ONLY_SINCE[later] ?? 0);
  return { weighting: atLeast ? "mAP50-95" : "0.1/0.9", basis: `ultralytics ${version}` };
}

// Saved values are rounded to 5 decimals, so a fitness matches its weights within a few 1e-5.
const SAVED_TOLERANCE = 5e-5;

/** The weighting whose fitness of `saved` alone equals the fitness saved with it, if exactly one does. */
function savedWeighting(task: UltralyticsTask, saved: Readonly<Record<string, number>>): Weighting | null {
  const fitness = saved["fitness"];
  if (fitness === undefined || task === "classify") return null;
  const matching = (Object.keys(WEIGHTINGS) as Weighting[]).filter((weighting) => {
    const terms = termsOf(task, weighting);
    const value = fitnessFrom({ terms, text: "", basis: "" }, saved);
    return value !== null && Math.abs(value - fitness) <= SAVED_TOLERANCE;
  });
  return matching.length === 1 ? (matching[0] ?? null) : null;
}

export type FitnessFormulaOptions = {
  /** `train_args.task` or args.yaml `task`. */
  readonly task: string | null;
  /** The package version the checkpoint records. */
  readonly version: string | null;
  /** Metric columns the run logged (results.csv header, `train_metrics` keys): they show the task when unnamed. */
  readonly columns: readonly string[];
  /** A `train_metrics` record holding `fitness`: tells the weights apart where versions differ. */
  readonly saved?: Readonly<Record<string, number>> | null;
};

/**
 * The fitness formula of a run, or null when the task cannot be told.
 * @example ultralyticsFitnessFormula({ task: "detect", version: "8.3.167", columns: [] }).text
 *   → "0.1·mAP50(B) + 0.9·mAP50-95(B)"
 */
export function ultralyticsFitnessFormula(options: FitnessFormulaOptions): FitnessFormula | null {
  const task = ultralyticsTaskOf(options.task, options.columns);
  if (task === null) return null;
  const fromSaved = options.saved ? savedWeighting(task, options.saved) : null;
  const { weighting, basis } =
    fromSaved === null
      ? versionWeighting(options.version)
      : { weighting: fromSaved, basis: "the fitness saved in the checkpoint" };
  const terms = termsOf(task, weighting);
  return { terms, text: textOf(terms), basis: task === "classify" ? "ultralytics ClassifyMetrics" : basis };
}

/**
 * The run's fitness curve from its results.csv points, one point per row that has every term: what Ultralytics
 * picked `best.pt` by, which results.csv itself does not log.
 */
export function fitnessPoints(formula: FitnessFormula, points: readonly MetricPoint[]): MetricPoint[] {
  return resultsRowsOf(points).flatMap((row) => {
    const value = fitnessFrom(formula, row.values);
    return value === null ? [] : [{ name: "fitness", step: null, epoch: row.epoch, value }];
  });
}
