import type { EntryStatus } from "../catalog/catalog-entry.ts";

/**
 * Is a run still saving at its own pace? Its expected checkpoint interval is learned from its own history (the
 * median of its recent intervals); a run is stalled when that is exceeded twice over, or when its newest
 * checkpoint has been incomplete for longer than the watcher waits for a checkpoint to settle.
 */

/** A catalogued checkpoint of the run: when it was last written and what its reader said. */
export type RunCheckpoint = { readonly path: string; readonly mtimeMs: number; readonly status: EntryStatus };

export const RUN_PACE_DEFAULTS = Object.freeze({
  /** Fewer intervals than this are too little history to expect anything. */
  minIntervals: 3,
  /** The median is over this many most recent intervals, so a run that changed pace is followed. */
  recentIntervals: 8,
  /** Checkpoints saved this close together are one save (Lightning's `epoch=N.ckpt` and its `last.ckpt` copy). */
  burstMs: 60_000,
  /** Overdue past this many expected intervals. */
  overdueFactor: 2,
  /** A run whose newest checkpoint is older than this has ended (or was abandoned): it is not checked. */
  liveWindowMs: 24 * 3_600_000,
});

export type RunPaceOptions = typeof RUN_PACE_DEFAULTS & {
  readonly nowMs: number;
  /** How long an incomplete checkpoint may stay so: the settle policy's give-up time. */
  readonly incompleteLimitMs: number;
};

export type RunPace =
  | { readonly kind: "ended"; readonly sinceLastMs: number }
  | { readonly kind: "incomplete-stalled"; readonly path: string; readonly incompleteForMs: number }
  | { readonly kind: "too-little-history"; readonly intervals: number }
  | {
      readonly kind: "overdue" | "on-pace";
      readonly expectedIntervalMs: number;
      readonly sinceLastMs: number;
      /** How many intervals the median was taken over. */
      readonly intervals: number;
    };

/** Start times of saves: checkpoints sorted by mtime, a burst of close ones counted once (at its first). */
function saveTimes(checkpoints: readonly RunCheckpoint[], burstMs: number): number[] {
  const times = checkpoints.map((checkpoint) => checkpoint.mtimeMs).sort((a, b) => a - b);
  const saves: number[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    if (time - previous > burstMs) saves.push(time);
    previous = time;
  }
  return saves;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

function newestOf(checkpoints: readonly RunCheckpoint[]): RunCheckpoint | undefined {
  let newest: RunCheckpoint | undefined;
  for (const checkpoint of checkpoints)
    if (newest === undefined || checkpoint.mtimeMs > newest.mtimeMs) newest = checkpoint;
  return newest;
}

/** The run's pace now; null for a run with no checkpoint. */
export function assessRunPace(
  checkpoints: readonly RunCheckpoint[],
  options: RunPaceOptions,
): RunPace | null {
  const newest = newestOf(checkpoints);
  if (newest === undefined) return null;
  const sinceLastMs = options.nowMs - newest.mtimeMs;
  if (sinceLastMs > options.liveWindowMs) return { kind: "ended", sinceLastMs };
  if (newest.status === "incomplete" && sinceLastMs > options.incompleteLimitMs)
    return { kind: "incomplete-stalled", path: newest.path, incompleteForMs: sinceLastMs };
  const saves = saveTimes(checkpoints, options.burstMs);
  const intervals = saves.slice(1).map((time, index) => time - (saves[index] ?? time));
  if (intervals.length < options.minIntervals)
    return { kind: "too-little-history", intervals: intervals.length };
  const recent = intervals.slice(-options.recentIntervals);
  const expectedIntervalMs = median(recent);
  const overdue = sinceLastMs > options.overdueFactor * expectedIntervalMs;
  return { kind: overdue ? "overdue" : "on-pace", expectedIntervalMs, sinceLastMs, intervals: recent.length };
}
