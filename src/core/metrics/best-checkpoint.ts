/** How to read and compare entries of any shape: the catalog passes rows, the TUI passes view models. */
export type RankOptions<T> = {
  /** The primary metric's value; null, undefined, NaN and ±Infinity count as missing and never win. */
  readonly metric: (entry: T) => number | null | undefined;
  readonly higherIsBetter: boolean;
  /** Ties go first to the framework's own best file (`best.pt`, `model_best.pth.tar`). @default () => false */
  readonly preferred?: (entry: T) => boolean;
  /** Ties go to the later checkpoint: higher step first. @default () => null */
  readonly step?: (entry: T) => number | null | undefined;
  /** Then higher epoch. @default () => null */
  readonly epoch?: (entry: T) => number | null | undefined;
  /** Then not a rolling copy (`last.ckpt`) of a checkpoint at the same point. @default () => false */
  readonly demoted?: (entry: T) => boolean;
  /** Then the alphabetically first path, so the order never depends on input order. @default () => "" */
  readonly path?: (entry: T) => string;
};

type Keyed<T> = {
  readonly entry: T;
  readonly score: number | null;
  readonly preferred: boolean;
  readonly demoted: boolean;
  readonly step: number;
  readonly epoch: number;
  readonly path: string;
};

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function keyOf<T>(entry: T, options: RankOptions<T>): Keyed<T> {
  return {
    entry,
    score: finiteOrNull(options.metric(entry)),
    preferred: options.preferred?.(entry) ?? false,
    demoted: options.demoted?.(entry) ?? false,
    step: finiteOrNull(options.step?.(entry)) ?? Number.NEGATIVE_INFINITY,
    epoch: finiteOrNull(options.epoch?.(entry)) ?? Number.NEGATIVE_INFINITY,
    path: options.path?.(entry) ?? "",
  };
}

function compareKeyed<T>(a: Keyed<T>, b: Keyed<T>, higherIsBetter: boolean): number {
  if (a.score !== b.score) {
    if (a.score === null) return 1;
    if (b.score === null) return -1;
    return higherIsBetter ? b.score - a.score : a.score - b.score;
  }
  if (a.preferred !== b.preferred) return a.preferred ? -1 : 1;
  if (a.step !== b.step) return a.step > b.step ? -1 : 1;
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? -1 : 1;
  if (a.demoted !== b.demoted) return a.demoted ? 1 : -1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Entries best first by the metric in its direction; entries without a finite value come last, in tie-break order.
 * @example rankBy(rows, { metric: (row) => row.hmean, higherIsBetter: true, step: (row) => row.globalStep })
 */
export function rankBy<T>(entries: readonly T[], options: RankOptions<T>): T[] {
  return entries
    .map((entry) => keyOf(entry, options))
    .sort((a, b) => compareKeyed(a, b, options.higherIsBetter))
    .map((keyed) => keyed.entry);
}

/** The best checkpoint of a run, or null when no entry has a finite metric value. */
export function bestOf<T>(entries: readonly T[], options: RankOptions<T>): T | null {
  let best: Keyed<T> | null = null;
  for (const entry of entries) {
    const keyed = keyOf(entry, options);
    if (keyed.score === null) continue;
    if (best === null || compareKeyed(keyed, best, options.higherIsBetter) < 0) best = keyed;
  }
  return best?.entry ?? null;
}
