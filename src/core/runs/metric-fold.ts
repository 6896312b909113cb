import type { MetricPoint, MetricTarget } from "./metric-series.ts";

/** A point and its place in the file (0, 1, 2 … across all metrics), so folds can break ties the way a scan does. */
export type SequencedPoint = { readonly point: MetricPoint; readonly seq: number };

/** Per metric name: the point `metricsAtStep` would pick so far, and when the name's first candidate arrived. */
export type MetricFold = Map<string, { best: SequencedPoint; readonly firstSeq: number }>;

/** `metricsAtStep`'s rule, one point at a time: a later point at the same or a greater step wins. */
export function offerToFold(fold: MetricFold, entry: SequencedPoint): void {
  const current = fold.get(entry.point.name);
  if (current === undefined) fold.set(entry.point.name, { best: entry, firstSeq: entry.seq });
  else if ((entry.point.step ?? 0) >= (current.best.point.step ?? 0)) current.best = entry;
}

/** True when `point` may stand for the metric's value at `target` (the rule `metricsAtStep` documents). */
export function isCandidate(point: MetricPoint, target: MetricTarget): boolean {
  const sameEpoch =
    target.epoch === null ||
    point.epoch === null ||
    !Number.isInteger(target.epoch) ||
    !Number.isInteger(point.epoch) ||
    point.epoch === target.epoch;
  if (target.step !== null && point.step !== null) return point.step <= target.step && sameEpoch;
  // Per-epoch logs (timm, Ultralytics) carry no step: match them on the epoch alone.
  return target.epoch !== null && point.epoch !== null && point.epoch === target.epoch;
}

/**
 * `offerToFold` of every candidate among one metric's points whose steps never go down, for a target with a step,
 * without visiting them all: the points at or before the target's step are a prefix, and among them the candidates
 * are those of the target's epoch; the last one wins (the greatest step, the later on a tie), the first one is the
 * name's first candidate.
 */
export function foldAscending(
  fold: MetricFold,
  entries: readonly SequencedPoint[],
  target: MetricTarget & { readonly step: number },
): void {
  let end = 0;
  let high = entries.length;
  while (end < high) {
    const middle = (end + high) >> 1;
    if (((entries[middle] as SequencedPoint).point.step ?? 0) <= target.step) end = middle + 1;
    else high = middle;
  }
  let first = 0;
  while (first < end && !isCandidate((entries[first] as SequencedPoint).point, target)) first++;
  if (first === end) return;
  let last = end - 1;
  while (!isCandidate((entries[last] as SequencedPoint).point, target)) last--;
  const best = entries[last] as SequencedPoint;
  fold.set(best.point.name, { best, firstSeq: (entries[first] as SequencedPoint).seq });
}

/** Several folds over disjoint candidates as one: per name the later winner, and the earliest first candidate. */
export function mergeFolds(folds: readonly MetricFold[]): MetricFold {
  const merged: MetricFold = new Map();
  const step = (entry: SequencedPoint) => entry.point.step ?? 0;
  for (const fold of folds) {
    for (const [name, entry] of fold) {
      const current = merged.get(name);
      if (current === undefined) {
        merged.set(name, { ...entry });
        continue;
      }
      const [left, right] = [current.best, entry.best];
      const later = step(right) > step(left) || (step(right) === step(left) && right.seq > left.seq);
      merged.set(name, { best: later ? right : left, firstSeq: Math.min(current.firstSeq, entry.firstSeq) });
    }
  }
  return merged;
}

/**
 * The chosen points of several folds over disjoint candidates, as one `metricsAtStep` result: per name the point
 * with the greatest step (the later one on a tie), names in the order their first candidate arrived.
 */
export function foldValues(folds: readonly MetricFold[]): MetricPoint[] {
  const merged = folds.length === 1 && folds[0] !== undefined ? folds[0] : mergeFolds(folds);
  // A plain object orders its keys as `metricsAtStep`'s result does (integer-like names first).
  const ordered: Record<string, MetricPoint> = {};
  for (const [name, entry] of [...merged].sort((a, b) => a[1].firstSeq - b[1].firstSeq))
    ordered[name] = entry.best.point;
  return Object.values(ordered);
}
