import {
  foldValues,
  isCandidate,
  type MetricFold,
  mergeFolds,
  offerToFold,
  type SequencedPoint,
} from "./metric-fold.ts";
import { MetricReservoir } from "./metric-reservoir.ts";
import type { MetricPoint, MetricTarget } from "./metric-series.ts";

/** The folds that answer a checkpoint at (or after) the last logged step, whatever its step. */
class TailFolds {
  maxStep: number | null = null;
  currentEpoch: number | null = null;
  /** Every point with a step. */
  readonly stepped: MetricFold = new Map();
  /** Points with a step and no whole-number epoch (they count for any epoch). */
  readonly steppedAnyEpoch: MetricFold = new Map();
  /** Points of the greatest whole-number epoch seen. */
  inCurrentEpoch: MetricFold = new Map();

  add(entry: SequencedPoint): void {
    const { step, epoch } = entry.point;
    if (step !== null) {
      this.maxStep = Math.max(this.maxStep ?? step, step);
      offerToFold(this.stepped, entry);
      if (epoch === null || !Number.isInteger(epoch)) offerToFold(this.steppedAnyEpoch, entry);
    }
    if (epoch === null || !Number.isInteger(epoch)) return;
    if (this.currentEpoch === null || epoch > this.currentEpoch) {
      this.currentEpoch = epoch;
      this.inCurrentEpoch = new Map();
    }
    if (epoch === this.currentEpoch) offerToFold(this.inCurrentEpoch, entry);
  }

  /** The folds holding `metricsAtStep`'s answer for a target no earlier than everything logged; else undefined. */
  foldsFor(target: MetricTarget): MetricFold[] | undefined {
    const { step, epoch } = target;
    if (step !== null && this.maxStep !== null && step < this.maxStep) return undefined;
    const wholeEpoch = epoch !== null && Number.isInteger(epoch);
    if (step !== null && !wholeEpoch) return epoch === null ? [this.stepped] : undefined;
    if (!wholeEpoch) return step === null && epoch === null ? [] : undefined;
    if (this.currentEpoch !== null && epoch < this.currentEpoch) return undefined;
    const inEpoch = epoch === this.currentEpoch ? [this.inCurrentEpoch] : [];
    return step === null ? inEpoch : [this.steppedAnyEpoch, ...inEpoch];
  }
}

const sameTarget = (left: MetricTarget, right: MetricTarget) =>
  left.step === right.step && left.epoch === right.epoch;

// Every point is offered to each target's fold, so only the targets asked about lately are followed.
const MAX_TARGETS = 64;

/**
 * A run file's metric points, folded one at a time in file order so the file never has to be held: per metric a
 * bounded series (`MetricReservoir`: every point up to 10,000, then first/last/min/max per bucket), the exact
 * `metricsAtStep` answer for each target given up front, and what a checkpoint at the end of the file needs. A
 * growing file keeps folding its new rows into the same accumulator.
 */
export class MetricAccumulator {
  private seq = 0;
  private readonly series = new Map<string, MetricReservoir>();
  private readonly tail = new TailFolds();
  private readonly targets: Array<{ readonly target: MetricTarget; readonly fold: MetricFold }>;

  constructor(targets: readonly MetricTarget[] = []) {
    this.targets = targets.map((target) => ({ target, fold: new Map() }));
  }

  add(point: MetricPoint): void {
    const entry: SequencedPoint = { point, seq: this.seq++ };
    let reservoir = this.series.get(point.name);
    if (reservoir === undefined) {
      reservoir = new MetricReservoir();
      this.series.set(point.name, reservoir);
    }
    reservoir.add(entry);
    this.tail.add(entry);
    for (const { target, fold } of this.targets) if (isCandidate(point, target)) offerToFold(fold, entry);
  }

  /** Points folded so far. */
  get count(): number {
    return this.seq;
  }

  /** Whether some metric has more points than are kept, so `points` is a downsampled series. */
  get downsampled(): boolean {
    for (const reservoir of this.series.values()) if (reservoir.downsampled) return true;
    return false;
  }

  get registeredTargets(): readonly MetricTarget[] {
    return this.targets.map(({ target }) => target);
  }

  /** The kept points of every metric, in file order. */
  points(): MetricPoint[] {
    const kept = [...this.series.values()].flatMap((reservoir) => reservoir.kept());
    if (this.series.size > 1) kept.sort((left, right) => left.seq - right.seq);
    return kept.map((entry) => entry.point);
  }

  /**
   * Exactly what `metricsAtStep(allPoints, target)` would return, when this accumulator can know it: a target it
   * follows, any target while nothing was downsampled, or a target at or after the last logged step. The target is
   * then followed, so the answer stays exact as the file grows. Undefined otherwise: read the file again with the
   * target given.
   */
  valuesAt(target: MetricTarget): MetricPoint[] | undefined {
    const followed = this.targets.find((entry) => sameTarget(entry.target, target));
    if (followed !== undefined) return foldValues([followed.fold]);
    const folds = this.downsampled ? this.tail.foldsFor(target) : [this.exactFold(target)];
    if (folds === undefined) return undefined;
    const fold = mergeFolds(folds);
    this.targets.push({ target, fold });
    if (this.targets.length > MAX_TARGETS) this.targets.shift();
    return foldValues([fold]);
  }

  private exactFold(target: MetricTarget): MetricFold {
    const fold: MetricFold = new Map();
    for (const reservoir of this.series.values())
      for (const entry of reservoir.kept()) if (isCandidate(entry.point, target)) offerToFold(fold, entry);
    return fold;
  }
}
