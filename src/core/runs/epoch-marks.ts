import type { MetricPoint } from "./metric-series.ts";

// Only changes of epoch are kept, so real runs need a few hundred marks; a crafted file cannot grow this past the cap.
const MAX_MARKS = 100_000;

/**
 * The `epoch` scalar series (Lightning logs it to TensorBoard as a metric) as the steps where the epoch changed:
 * `epochAt(step)` is the epoch logged at the greatest step at or before `step`, exactly as the whole series would
 * say when it was logged in step order.
 */
export class EpochMarks {
  private readonly steps: number[] = [];
  private readonly epochs: number[] = [];

  private readonly epochName: string;

  constructor(epochName = "epoch") {
    this.epochName = epochName;
  }

  /** Takes the point when it is an epoch mark; returns whether it was one. */
  offer(point: MetricPoint): boolean {
    if (point.name !== this.epochName) return false;
    if (point.step === null || !Number.isFinite(point.value)) return true;
    const at = this.insertionIndex(point.step);
    if (this.epochs[at - 1] === point.value || this.steps.length >= MAX_MARKS) return true;
    this.steps.splice(at, 0, point.step);
    this.epochs.splice(at, 0, point.value);
    return true;
  }

  /** First index whose step is greater than `step` (after equal steps: a later mark wins a tie). */
  private insertionIndex(step: number): number {
    let low = 0;
    let high = this.steps.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.steps[middle] ?? 0) <= step) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  epochAt(step: number): number | null {
    const at = this.insertionIndex(step);
    return at === 0 ? null : (this.epochs[at - 1] ?? null);
  }

  /** The point with its epoch filled from the marks, when it has a step and no epoch. */
  fill(point: MetricPoint): MetricPoint {
    if (point.epoch !== null || point.step === null || point.name === this.epochName) return point;
    const epoch = this.epochAt(point.step);
    return epoch === null ? point : { ...point, epoch };
  }
}
