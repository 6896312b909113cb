/**
 * Checkpoint bytes written per hour on one filesystem, from the catalog's sizes and modification times: what the
 * fill forecast divides free space by. Every rate says what it was measured from; too little history is said so.
 */

/** A catalogued checkpoint's size and when it was last written. */
export type WrittenCheckpoint = { readonly bytes: number; readonly mtimeMs: number };

/** The default span the rate is measured over: long enough to span several saves, short enough to follow a new run. */
export const DEFAULT_RATE_WINDOW_MS = 6 * 3_600_000;

/** A rate measured over less than this is a guess from one burst: it is not extrapolated. */
export const MIN_RATE_SPAN_MS = 10 * 60_000;

export type WriteRateInput = {
  /** The filesystem's catalogued checkpoints (those outside the window are ignored). */
  readonly written: readonly WrittenCheckpoint[];
  /** The oldest catalogued checkpoint's mtime on this filesystem, or null when it holds none. */
  readonly historyStartMs: number | null;
  readonly nowMs: number;
  readonly windowMs: number;
};

export type WriteRate =
  | {
      readonly kind: "measured";
      readonly bytesPerHour: number;
      /** Bytes and checkpoints counted, over `[sinceMs, nowMs]`. */
      readonly bytes: number;
      readonly checkpoints: number;
      readonly sinceMs: number;
      /** True when the catalog's history starts inside the window, so the span is shorter than the window. */
      readonly historyStartsInWindow: boolean;
    }
  | { readonly kind: "unknown"; readonly reason: string };

function sumBytes(checkpoints: readonly WrittenCheckpoint[]): number {
  return checkpoints.reduce((total, checkpoint) => total + checkpoint.bytes, 0);
}

/**
 * Bytes per hour over the window. When the catalog's history starts inside it, the span starts at the first
 * checkpoint, and that checkpoint is not counted: its bytes were written before the span began (a fencepost).
 */
export function measureWriteRate(input: WriteRateInput): WriteRate {
  if (input.historyStartMs === null)
    return { kind: "unknown", reason: "no checkpoint is catalogued on this filesystem" };
  const windowStart = input.nowMs - input.windowMs;
  const inWindow = input.written
    .filter((checkpoint) => checkpoint.mtimeMs > windowStart && checkpoint.mtimeMs <= input.nowMs)
    .sort((a, b) => a.mtimeMs - b.mtimeMs);
  const startsInWindow = input.historyStartMs > windowStart;
  const sinceMs = startsInWindow ? input.historyStartMs : windowStart;
  const counted = startsInWindow ? inWindow.slice(1) : inWindow;
  if (startsInWindow && counted.length === 0)
    return { kind: "unknown", reason: "one checkpoint so far: no interval to measure a rate over" };
  const spanMs = input.nowMs - sinceMs;
  if (spanMs < MIN_RATE_SPAN_MS)
    return {
      kind: "unknown",
      reason: `the catalogued history spans ${Math.floor(spanMs / 1000)} s, under the ${MIN_RATE_SPAN_MS / 60_000} min a rate needs`,
    };
  const bytes = sumBytes(counted);
  return {
    kind: "measured",
    bytesPerHour: (bytes / spanMs) * 3_600_000,
    bytes,
    checkpoints: counted.length,
    sinceMs,
    historyStartsInWindow: startsInWindow,
  };
}
