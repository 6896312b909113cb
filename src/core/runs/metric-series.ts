import { z } from "zod";
import { EpochMarks } from "./epoch-marks.ts";
import { foldValues, isCandidate, type MetricFold, offerToFold } from "./metric-fold.ts";

// z.number() rejects NaN and ±Infinity, but logged metrics legitimately hold them (diverged losses, `inf` in CSVs).
export const AnyNumber = z.custom<number>(
  (value) => typeof value === "number",
  "expected a number (NaN/±Infinity allowed)",
);

/**
 * One logged metric value, as every run-file parser returns it.
 * `name` is the key as logged (`val/hmean`, `metrics/mAP50(B)`, `eval_top1`); canonical names come later.
 * `epoch` is 0-based (Ultralytics' 1-based CSV epochs are converted); HF epochs are fractional progress.
 * `wallTime` is seconds since the Unix epoch (TensorBoard `wall_time`, MLflow timestamp / 1000).
 */
export const MetricPoint = z.object({
  name: z.string(),
  step: z.number().int().nullable(),
  epoch: z.number().nullable(),
  value: AnyNumber,
  wallTime: z.number().optional(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** Where a checkpoint sits in training: pass what is known, null for what is not. */
export const MetricTarget = z.object({ step: z.number().int().nullable(), epoch: z.number().nullable() });
export type MetricTarget = z.infer<typeof MetricTarget>;

/** A parse failure of a run file: which file, where, what is wrong and what to do. */
export const RunFileError = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  message: z.string(),
});
export type RunFileError = z.infer<typeof RunFileError>;

/** Builds a RunFileError whose message names the file (and line) and ends with what to do. */
export function runFileError(options: {
  file: string;
  line?: number;
  problem: string;
  hint: string;
}): RunFileError {
  const where = options.line === undefined ? options.file : `${options.file}:${options.line}`;
  const error: RunFileError = {
    file: options.file,
    message: `${where}: ${options.problem}; ${options.hint}`,
  };
  return options.line === undefined ? error : { ...error, line: options.line };
}

const NON_FINITE: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
  "-nan": Number.NaN,
};
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Reads a number as Python's `str(float)`/`float()` spell it (`0.5`, `1e-05`, `nan`, `inf`, `-inf`, `NaN`,
 * `Infinity`). Surrounding whitespace is ignored. Anything else (empty, text) → undefined.
 */
export function parsePythonFloat(text: string): number | undefined {
  if (text === "") return undefined;
  // The usual cell (`0.6931471824645996`, `-1e-05`, `12`): no trimming or special words to look up.
  if (DECIMAL.test(text)) return Number(text);
  const trimmed = text.trim();
  const special = NON_FINITE[trimmed.toLowerCase()];
  if (special !== undefined) return special;
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * The value of each metric at a checkpoint: the point logged at `target.step`, else the nearest logged step before
 * it within the same epoch; ties on a step go to the point logged last. Points or targets without a step (timm,
 * Ultralytics) match on the epoch alone, last point wins. The epoch constraint applies only when both epochs are
 * whole numbers; HF epochs are fractional progress, so pass `epoch: null` for HF checkpoints (an eval logged at
 * epoch `1.0` would otherwise not count for a checkpoint at epoch `2.0`).
 * @example metricsAtStep(points, { step: 24, epoch: 2 })["val/hmean"]?.value
 */
export function metricsAtStep(
  points: readonly MetricPoint[],
  target: MetricTarget,
): Record<string, MetricPoint> {
  const fold: MetricFold = new Map();
  for (const [seq, point] of points.entries())
    if (isCandidate(point, target)) offerToFold(fold, { point, seq });
  return Object.fromEntries(foldValues([fold]).map((point) => [point.name, point]));
}

/**
 * Fills `epoch` on points that lack it from an `epoch` scalar series (Lightning logs `epoch` to TensorBoard as a
 * metric): the epoch logged at the greatest step at or before the point's step.
 */
export function withEpochFromSeries(points: readonly MetricPoint[], epochName = "epoch"): MetricPoint[] {
  const marks = new EpochMarks(epochName);
  for (const point of points) marks.offer(point);
  return points.map((point) => marks.fill(point));
}

/** Metric names in first-seen order. */
export function metricNames(points: readonly MetricPoint[]): string[] {
  return [...new Set(points.map((point) => point.name))];
}
