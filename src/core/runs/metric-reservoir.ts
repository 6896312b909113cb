import type { SequencedPoint } from "./metric-fold.ts";

/** Points kept per metric: every one up to this many, then a downsampled series of at most this many. */
export const MAX_POINTS_PER_METRIC = 10_000;
/** Each bucket keeps up to four points (first, last, min, max). */
const MAX_BUCKETS = MAX_POINTS_PER_METRIC / 4;
const FIRST_BUCKET_WIDTH = 8;

type Bucket = { first: SequencedPoint; last: SequencedPoint; min: SequencedPoint; max: SequencedPoint };

// NaN never wins a comparison, so a bucket's min/max are its lowest/highest real values when it has any.
const lower = (a: SequencedPoint, b: SequencedPoint) =>
  Number.isNaN(a.point.value) || b.point.value < a.point.value ? b : a;
const higher = (a: SequencedPoint, b: SequencedPoint) =>
  Number.isNaN(a.point.value) || b.point.value > a.point.value ? b : a;

function bucketOf(entry: SequencedPoint): Bucket {
  return { first: entry, last: entry, min: entry, max: entry };
}

function merge(left: Bucket, right: Bucket): Bucket {
  return {
    first: left.first,
    last: right.last,
    min: lower(left.min, right.min),
    max: higher(left.max, right.max),
  };
}

/**
 * One metric's series, bounded. Up to `MAX_POINTS_PER_METRIC` points every point is kept. Past that the series is
 * cut into buckets of `width` consecutive points (8, doubling whenever there would be more than 2,500 buckets,
 * by merging neighbours) and each bucket keeps its first, last, lowest and highest point: the curve's shape, its
 * ends, and the best and worst values survive however long the run.
 */
export class MetricReservoir {
  private raw: SequencedPoint[] | undefined = [];
  private buckets: Bucket[] = [];
  private width = FIRST_BUCKET_WIDTH;
  private inLast = 0;
  /** Every point so far has a step, none lower than the one before (a log written in training order). */
  private ascending = true;
  /**
   * The kept points by epoch, in file order, while no point has a step (a per-epoch log: timm's summary.csv,
   * Ultralytics' results.csv) and every point is kept (`raw`); undefined from then on.
   */
  private byEpoch: Map<number, SequencedPoint[]> | undefined = new Map();

  get downsampled(): boolean {
    return this.raw === undefined;
  }

  /** The kept points, in file order, when every one has a step and the steps never go down; else undefined. */
  keptAscending(): readonly SequencedPoint[] | undefined {
    return this.ascending ? this.raw : undefined;
  }

  /**
   * The kept points of one epoch, in file order, when no point has a step (where a checkpoint's values are matched
   * on its epoch alone) and every point is kept; else undefined.
   */
  keptAtEpoch(epoch: number): readonly SequencedPoint[] | undefined {
    if (this.byEpoch === undefined) return undefined;
    // NaN equals no epoch (`isCandidate` compares with ===), though a Map would find it.
    return Number.isNaN(epoch) ? [] : (this.byEpoch.get(epoch) ?? []);
  }

  add(entry: SequencedPoint): void {
    if (this.raw !== undefined) {
      const step = entry.point.step;
      const previous = this.raw.at(-1)?.point.step;
      if (step === null || (previous !== undefined && (previous === null || step < previous)))
        this.ascending = false;
      // Matched on their steps from now on: the epoch index would only hold memory.
      if (step !== null) this.byEpoch = undefined;
      this.indexEpoch(entry);
      this.raw.push(entry);
      if (this.raw.length > MAX_POINTS_PER_METRIC) this.toBuckets(this.raw);
      return;
    }
    this.addToBuckets(entry);
  }

  private indexEpoch(entry: SequencedPoint): void {
    const epoch = entry.point.epoch;
    if (this.byEpoch === undefined || epoch === null) return;
    const same = this.byEpoch.get(epoch);
    if (same === undefined) this.byEpoch.set(epoch, [entry]);
    else same.push(entry);
  }

  private toBuckets(points: readonly SequencedPoint[]): void {
    this.raw = undefined;
    this.byEpoch = undefined;
    for (const entry of points) this.addToBuckets(entry);
  }

  private addToBuckets(entry: SequencedPoint): void {
    const last = this.buckets.at(-1);
    if (last !== undefined && this.inLast < this.width) {
      // In place: this runs once per point of a long run.
      last.last = entry;
      last.min = lower(last.min, entry);
      last.max = higher(last.max, entry);
      this.inLast += 1;
      return;
    }
    if (this.buckets.length >= MAX_BUCKETS) this.halve();
    this.buckets.push(bucketOf(entry));
    this.inLast = 1;
  }

  /** Neighbouring buckets merge pairwise; the last bucket may then be half full. */
  private halve(): void {
    const merged: Bucket[] = [];
    for (let index = 0; index < this.buckets.length; index += 2) {
      const left = this.buckets[index] as Bucket;
      const right = this.buckets[index + 1];
      merged.push(right === undefined ? left : merge(left, right));
    }
    const oddTail = this.buckets.length % 2 === 1;
    this.buckets = merged;
    this.inLast = oddTail ? this.width : this.width * 2;
    this.width *= 2;
  }

  /** The kept points in file order. */
  kept(): SequencedPoint[] {
    if (this.raw !== undefined) return this.raw;
    const out: SequencedPoint[] = [];
    for (const bucket of this.buckets) {
      const distinct = new Set([bucket.first, bucket.min, bucket.max, bucket.last]);
      out.push(...[...distinct].sort((left, right) => left.seq - right.seq));
    }
    return out;
  }
}
