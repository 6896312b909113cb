import {
  foldAscending,
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

/** A key equal for targets `sameTarget` calls the same; none for a NaN, which is the same as nothing. */
function targetKey(target: MetricTarget): string | undefined {
  if (Number.isNaN(target.step) || Number.isNaN(target.epoch)) return undefined;
  return `${target.step}:${target.epoch}`;
}

// A daemon follows every checkpoint of a run it indexed; the oldest asked about goes first past this many.
const MAX_TARGETS = 1024;

type Followed = { readonly target: MetricTarget; readonly fold: MetricFold };

/**
 * The targets followed, oldest first, and indexed by step: a point with a step can only count for targets at or
 * after it, so a long file in step order costs one comparison per point for all the checkpoints before it. Each
 * checkpoint of a run adds its target: found by key and put in its place, not searched and re-sorted.
 */
class FollowedTargets {
  private readonly byAge: Followed[] = [];
  /** The oldest followed entry of each target. */
  private readonly byKey = new Map<string, Followed>();
  /** Those with a step, by step; equal steps oldest first. */
  private readonly byStep: Followed[] = [];
  private readonly unplaced: Followed[] = [];

  get targets(): MetricTarget[] {
    return this.byAge.map(({ target }) => target);
  }

  find(target: MetricTarget): Followed | undefined {
    const key = targetKey(target);
    return key === undefined ? undefined : this.byKey.get(key);
  }

  add(target: MetricTarget, fold: MetricFold): void {
    const followed = { target, fold };
    this.byAge.push(followed);
    const key = targetKey(target);
    if (key !== undefined && !this.byKey.has(key)) this.byKey.set(key, followed);
    const step = target.step;
    if (step === null) this.unplaced.push(followed);
    else this.byStep.splice(this.placeOf(step, { after: true }), 0, followed);
    if (this.byAge.length > MAX_TARGETS) this.forget(this.byAge.shift() as Followed);
  }

  private forget(oldest: Followed): void {
    const placed = oldest.target.step === null ? this.unplaced : this.byStep;
    placed.splice(placed.indexOf(oldest), 1);
    const key = targetKey(oldest.target);
    if (key === undefined || this.byKey.get(key) !== oldest) return;
    const next = this.byAge.find((entry) => sameTarget(entry.target, oldest.target));
    if (next === undefined) this.byKey.delete(key);
    else this.byKey.set(key, next);
  }

  offer(entry: SequencedPoint): void {
    for (const { target, fold } of this.unplaced)
      if (isCandidate(entry.point, target)) offerToFold(fold, entry);
    const step = entry.point.step;
    for (
      let index = step === null ? 0 : this.placeOf(step, { after: false });
      index < this.byStep.length;
      index++
    ) {
      const followed = this.byStep[index] as Followed;
      if (isCandidate(entry.point, followed.target)) offerToFold(followed.fold, entry);
    }
  }

  /** The first index of `byStep` past the targets before `step` (and, `after`, those at it too). */
  private placeOf(step: number, options: { readonly after: boolean }): number {
    let low = 0;
    let high = this.byStep.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const at = this.byStep[middle]?.target.step ?? 0;
      if (at < step || (options.after && at === step)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

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
  private readonly followed = new FollowedTargets();

  constructor(targets: readonly MetricTarget[] = []) {
    for (const target of targets) this.followed.add(target, new Map());
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
    this.followed.offer(entry);
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
    return this.followed.targets;
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
    const followed = this.followed.find(target);
    if (followed !== undefined) return foldValues([followed.fold]);
    let fold: MetricFold;
    if (this.downsampled) {
      const folds = this.tail.foldsFor(target);
      if (folds === undefined) return undefined;
      // A copy: the tail's folds go on changing as points arrive, and this one now follows the target alone.
      fold = mergeFolds(folds);
    } else fold = this.exactFold(target);
    this.followed.add(target, fold);
    return foldValues([fold]);
  }

  private exactFold(target: MetricTarget): MetricFold {
    const fold: MetricFold = new Map();
    const step = target.step;
    for (const reservoir of this.series.values()) {
      const ascending = step === null ? undefined : reservoir.keptAscending();
      // A point without a step is a candidate exactly when its epoch is the target's: a per-epoch log's candidates
      // are its rows of that epoch, found without visiting the others (a run's every checkpoint asks).
      const atEpoch = target.epoch === null ? undefined : reservoir.keptAtEpoch(target.epoch);
      if (ascending !== undefined && step !== null) foldAscending(fold, ascending, { ...target, step });
      else if (atEpoch !== undefined) for (const entry of atEpoch) offerToFold(fold, entry);
      else
        for (const entry of reservoir.kept()) if (isCandidate(entry.point, target)) offerToFold(fold, entry);
    }
    return fold;
  }
}
