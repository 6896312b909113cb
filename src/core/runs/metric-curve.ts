import { type MetricPoint, metricsAtStep } from "./metric-series.ts";

/** A metric point as the catalog stores it: SQLite keeps NaN as NULL, so a value may be missing. */
export type StoredPoint = {
  readonly name: string;
  readonly step: number | null;
  readonly epoch: number | null;
  readonly value: number | null;
};

/** What a curve is drawn over: training steps, or epochs for runs that log once per epoch (timm, Ultralytics). */
export type CurveAxis = "step" | "epoch";

/** One metric of a run as a line: `x` on its axis, in axis order (missing values left out, they draw no dot). */
export type Curve = {
  readonly name: string;
  readonly axis: CurveAxis;
  readonly points: readonly { readonly x: number; readonly value: number }[];
};

/** Where a checkpoint sits in training, as its catalog row says. */
export type CheckpointPlace = { readonly step: number | null; readonly epoch: number | null };

/**
 * Steps when the points carry at least two different steps (or steps and nothing else), else epochs: timm and
 * Ultralytics log per epoch without a step, and MLflow's old two-field lines put every point at step 0.
 */
export function curveAxis(points: readonly StoredPoint[]): CurveAxis | null {
  const steps = new Set<number>();
  let epochs = 0;
  for (const point of points) {
    if (point.step !== null) steps.add(point.step);
    if (point.epoch !== null) epochs += 1;
  }
  if (steps.size > 1 || (steps.size === 1 && epochs === 0)) return "step";
  return epochs > 0 ? "epoch" : null;
}

/** The points of one metric as a curve over its axis; null when none can be placed. */
export function curveOf(name: string, points: readonly StoredPoint[]): Curve | null {
  const own = points.filter((point) => point.name === name);
  const axis = curveAxis(own);
  if (axis === null) return null;
  const placed = own.flatMap((point) => {
    const x = axis === "step" ? point.step : point.epoch;
    return x === null || point.value === null || Number.isNaN(point.value) ? [] : [{ x, value: point.value }];
  });
  // Stable: points logged at the same x keep their file order.
  placed.sort((left, right) => left.x - right.x);
  return placed.length === 0 ? null : { name, axis, points: placed };
}

/** The checkpoint's position on `axis`; null when its row does not say (a stripped final model's epoch is -1). */
export function checkpointPosition(axis: CurveAxis, place: CheckpointPlace): number | null {
  const position = axis === "step" ? place.step : place.epoch;
  return position === null || position < 0 ? null : position;
}

/**
 * Which of a metric's points stands for the checkpoint: the one `metricsAtStep` picks (the point at its step, else
 * the nearest logged before it in the same epoch; per-epoch logs by epoch). Fractional epochs are HF progress and
 * are not matched on. Returns the point's index in `points`, or null.
 */
export function checkpointPointIndex(points: readonly StoredPoint[], place: CheckpointPlace): number | null {
  const fractional = points.some((point) => point.epoch !== null && !Number.isInteger(point.epoch));
  const target = {
    step: place.step !== null && place.step >= 0 ? place.step : null,
    epoch: fractional || place.epoch === null || place.epoch < 0 ? null : place.epoch,
  };
  if (target.step === null && target.epoch === null) return null;
  const asPoints: MetricPoint[] = points.map((point) => ({ ...point, value: point.value ?? Number.NaN }));
  const chosen = Object.values(metricsAtStep(asPoints, target))[0];
  const index = chosen === undefined ? -1 : asPoints.indexOf(chosen);
  return index < 0 ? null : index;
}
