import { durationMs } from "../catalog/modified-window.ts";
import { fail, ok, type Result } from "../result.ts";

/** `--keep-every N` counts training steps (the default) or epochs (`5epochs`). */
export const KEEP_EVERY_UNITS = ["steps", "epochs"] as const;
export type KeepEveryUnit = (typeof KEEP_EVERY_UNITS)[number];

export type KeepEvery = { readonly count: number; readonly unit: KeepEveryUnit };

/**
 * What to keep; a checkpoint stays when any rule keeps it. Rules left null keep nothing by themselves. The
 * protections (newest complete checkpoint, pointer targets, unsettled checkpoints, active runs) apply whatever
 * the rules say.
 */
export type RetentionPolicy = {
  /** The K best of each run by its primary metric (or `metric`), in that metric's direction. */
  readonly keepBest: number | null;
  /** The N newest of each run (by step, then epoch, then mtime). */
  readonly keepLast: number | null;
  readonly keepEvery: KeepEvery | null;
  /** Checkpoints modified within this many milliseconds of now. */
  readonly keepSinceMs: number | null;
  /** The catalog key to rank by instead of each run's primary metric. */
  readonly metric: string | null;
  /** Let `keepBest` delete checkpoints that have no value for the metric (by default they stay). */
  readonly deleteUnranked: boolean;
  /** Prune runs whose files changed within `activeWindowMs` too (by default they are left alone). */
  readonly includeActive: boolean;
  readonly activeWindowMs: number;
};

/** The default `--active` window: a run with a checkpoint or log file changed in the last 10 minutes is active. */
export const DEFAULT_ACTIVE_WINDOW_MS = 10 * 60_000;

/** Whether any rule is set: a policy without one would delete every checkpoint it does not protect. */
export function hasKeepRule(policy: RetentionPolicy): boolean {
  return (
    policy.keepBest !== null ||
    policy.keepLast !== null ||
    policy.keepEvery !== null ||
    policy.keepSinceMs !== null
  );
}

/** A positive whole number, as typed for a count flag. */
export function parseCount(text: string): Result<number, string> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1)
    return fail(`'${text}' is not a count; use a whole number of at least 1`);
  return ok(Number(trimmed));
}

/** `--keep-every` text: `1000` or `1000steps` (steps), `5epochs` or `5e` (epochs). */
export function parseKeepEvery(text: string): Result<KeepEvery, string> {
  const match = /^(\d+)\s*(steps?|s|epochs?|e)?$/i.exec(text.trim());
  const count = match === null ? 0 : Number(match[1]);
  if (match === null || count < 1)
    return fail(`'${text}' is not an interval; use a count of steps (1000) or epochs (5epochs)`);
  const unit = (match[2] ?? "steps").toLowerCase().startsWith("e") ? "epochs" : "steps";
  return ok({ count, unit });
}

/** `--keep-since`/`--active` text: a duration such as `30m`, `12h`, `7d`, `2w`. */
export function parseDuration(text: string): Result<number, string> {
  const duration = durationMs(text);
  return duration === null ? fail(`'${text}' is not a duration; use 30s, 10m, 12h, 7d or 2w`) : ok(duration);
}

/** A policy that keeps by no rule yet: the defaults every `--keep-*` flag and `--retain` item then set. */
export function emptyPolicy(): RetentionPolicy {
  return {
    keepBest: null,
    keepLast: null,
    keepEvery: null,
    keepSinceMs: null,
    metric: null,
    deleteUnranked: false,
    includeActive: false,
    activeWindowMs: DEFAULT_ACTIVE_WINDOW_MS,
  };
}
