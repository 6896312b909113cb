import { canonicalMetricName } from "../metrics/metric-aliases.ts";
import { type CanonicalMetric, isCanonicalMetric } from "../metrics/metric-catalog.ts";
import {
  type CheckpointPlace,
  type CurveAxis,
  checkpointPointIndex,
  curveAxis,
  type StoredPoint,
} from "./metric-curve.ts";

/** A logged point as `ckpt metrics` lists it; `checkpoint` marks the one that stands for the checkpoint. */
export type ListedPoint = {
  readonly step: number | null;
  readonly epoch: number | null;
  /** Null where the run logged NaN (the catalog cannot keep it). */
  readonly value: number | null;
  readonly checkpoint: boolean;
};

/** One metric of a run: its name as logged, the canonical name it stands for, and its points in file order. */
export type ListedSeries = {
  readonly name: string;
  readonly canonical: string | null;
  readonly axis: CurveAxis | null;
  readonly points: readonly ListedPoint[];
};

/**
 * A run's metrics as series: those standing for the `shown` metrics first, in that order (a task's primary and
 * standard metrics), then the rest by name; with a checkpoint, the point that stands for it in each series is
 * marked (`checkpointPointIndex`).
 */
export function listSeries(
  points: readonly StoredPoint[],
  options: { readonly shown?: readonly string[]; readonly place: CheckpointPlace | null },
): ListedSeries[] {
  const byName = new Map<string, StoredPoint[]>();
  for (const point of points) {
    const own = byName.get(point.name);
    if (own === undefined) byName.set(point.name, [point]);
    else own.push(point);
  }
  const shown = options.shown ?? [];
  const rank = (name: string) => {
    const at = shown.indexOf(canonicalOf(name) ?? name);
    return at < 0 ? shown.length : at;
  };
  const names = [...byName.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const own = byName.get(name) ?? [];
    const marked = options.place === null ? null : checkpointPointIndex(own, options.place);
    return {
      name,
      canonical: canonicalOf(name),
      axis: curveAxis(own),
      points: own.map((point, index) => ({
        step: point.step,
        epoch: point.epoch,
        value: point.value,
        checkpoint: index === marked,
      })),
    };
  });
}

/** The canonical metric a logged name stands for (`metrics/mAP50(B)` → `mAP50`), or null. */
export function canonicalOf(name: string): CanonicalMetric | null {
  return isCanonicalMetric(name) ? name : canonicalMetricName(name).canonical;
}
