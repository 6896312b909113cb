import { assertNever } from "../core/assert-never.ts";
import {
  beginSettle,
  DEFAULT_SETTLE_POLICY,
  decideSettle,
  type PathIdentity,
  type SettleDecision,
  type SettleEntry,
  type SettleLook,
  type SettlePolicy,
  sameIdentity,
} from "../core/daemon/settle-plan.ts";
import type { Completeness } from "../core/formats/completeness.ts";

/** What the scheduler tells the daemon loop. Only `ready` leads to reading and indexing the checkpoint. */
export type SettleOutcome =
  | {
      readonly kind: "ready";
      readonly path: string;
      readonly identity: PathIdentity;
      readonly completeness: Completeness;
    }
  | {
      readonly kind: "retrying";
      readonly path: string;
      /** Consecutive unchanged incomplete looks (the backoff's exponent). */
      readonly attempt: number;
      /** Incomplete looks since the path started being written; 1 on the first. */
      readonly incompleteLooks: number;
      readonly delayMs: number;
      readonly completeness: Completeness;
    }
  | {
      readonly kind: "abandoned";
      readonly path: string;
      readonly completeness: Completeness;
      readonly incompleteForMs: number;
    }
  | { readonly kind: "cancelled"; readonly path: string; readonly reason: "removed" | "vanished" };

export type TimerHandle = unknown;

export type SettleSchedulerOptions = {
  /** Size/mtime/ino of a file or checkpoint directory; undefined when it is gone. Must not throw. */
  readonly stat: (path: string) => PathIdentity | undefined;
  /** The format's verdict (`checkFileCompleteness`, the HF/sharded dir rules). Must not throw. */
  readonly checkCompleteness: (path: string) => Completeness;
  readonly onOutcome: (outcome: SettleOutcome) => void;
  readonly now: () => number;
  readonly setTimer: (callback: () => void, delayMs: number) => TimerHandle;
  readonly clearTimer: (handle: TimerHandle) => void;
  /** @default DEFAULT_SETTLE_POLICY */
  readonly policy?: Partial<SettlePolicy>;
};

export type SettleStats = {
  /** Paths with a look scheduled. */
  readonly pending: number;
  /** Of those, paths whose last look was incomplete. */
  readonly incomplete: number;
  /** Paths remembered as reported ready (size/mtime/ino only, so a no-op change does not re-report). */
  readonly settled: number;
};

export type SettleScheduler = {
  /** A hint: the path was added or changed. Looks now if the path was at rest, else after `quietMs` (hints debounce). */
  notice(path: string): void;
  /** The path was removed: cancel pending work and forget it. */
  forget(path: string): void;
  stats(): SettleStats;
  /** Cancel every timer; later calls are ignored. */
  close(): void;
  [Symbol.dispose](): void;
};

type Tracked = { entry: SettleEntry; timer: TimerHandle | undefined; dueAt: number };

/**
 * Drives `decideSettle` per path with injected timers. Every watch event is only a hint: a path is reported
 * `ready` once its format says complete and two looks `quietMs` apart agree; an incomplete one is retried with
 * capped exponential backoff and never reported ready. A path rewritten after it settled settles again.
 */
export function createSettleScheduler(options: SettleSchedulerOptions): SettleScheduler {
  const policy: SettlePolicy = { ...DEFAULT_SETTLE_POLICY, ...options.policy };
  const tracked = new Map<string, Tracked>();
  // Kept apart from `tracked` and compact: 100k settled checkpoints must not hold 100k timers' worth of state.
  const reported = new Map<string, PathIdentity>();
  let closed = false;

  const startEntry = (path: string): SettleEntry => ({
    ...beginSettle(undefined, options.now()),
    reported: reported.get(path),
  });

  const schedule = (path: string, item: Tracked, delayMs: number): void => {
    if (item.timer !== undefined) options.clearTimer(item.timer);
    item.dueAt = options.now() + delayMs;
    item.timer = options.setTimer(() => look(path), delayMs);
  };

  const takeLook = (path: string, previous: SettleLook | undefined): SettleLook => {
    const identity = options.stat(path);
    if (identity === undefined) return { kind: "missing" };
    // Same size, mtime and inode as the last look: the bytes are the ones the format already passed, so the
    // second of the two agreeing looks costs a stat, not a second read of the zip directory.
    if (previous?.kind === "present" && previous.completeness.state !== "incomplete")
      if (sameIdentity(previous.identity, identity)) return { ...previous, identity };
    return { kind: "present", identity, completeness: options.checkCompleteness(path) };
  };

  /** Decides on a look: one taken now, or `taken` (the first look of an episode, taken when the hint came). */
  const look = (path: string, taken?: SettleLook): void => {
    const item = tracked.get(path);
    if (closed || item === undefined) return;
    item.timer = undefined;
    const { entry, decision } = decideSettle({
      entry: item.entry,
      look: taken ?? takeLook(path, item.entry.previous),
      now: options.now(),
      policy,
    });
    item.entry = entry;
    if (entry.phase === "idle") tracked.delete(path);
    if (decision.kind === "look-again" || decision.kind === "retry") schedule(path, item, decision.delayMs);
    if (decision.kind === "ready") reported.set(path, decision.identity);
    if (decision.kind === "gone") reported.delete(path);
    const outcome = outcomeOf(path, decision);
    if (outcome !== undefined) options.onOutcome(outcome);
  };

  const close = (): void => {
    closed = true;
    for (const item of tracked.values()) if (item.timer !== undefined) options.clearTimer(item.timer);
    tracked.clear();
    reported.clear();
  };

  return {
    notice(path) {
      if (closed) return;
      const existing = tracked.get(path);
      if (existing === undefined) {
        // A path at rest is looked at now. A file renamed into place is complete already: the second look, which
        // must agree, comes `quietMs` later, so it settles in one quiet period and the loop wakes once less. A file
        // still being written (or already gone) is left alone for a quiet period, as any hint: that look did
        // not happen, so it neither starts a retry backoff nor logs "incomplete".
        const item: Tracked = { entry: startEntry(path), timer: undefined, dueAt: 0 };
        tracked.set(path, item);
        const first = takeLook(path, undefined);
        if (first.kind === "present" && first.completeness.state !== "incomplete") look(path, first);
        else schedule(path, item, policy.quietMs);
        return;
      }
      existing.entry = beginSettle(existing.entry, options.now());
      // Debounce: a hint never postpones a look already due sooner, but pulls a long backoff forward.
      const quietDue = options.now() + policy.quietMs;
      if (existing.timer === undefined || existing.dueAt > quietDue) schedule(path, existing, policy.quietMs);
    },
    forget(path) {
      reported.delete(path);
      const item = tracked.get(path);
      if (item === undefined) return;
      if (item.timer !== undefined) options.clearTimer(item.timer);
      tracked.delete(path);
      options.onOutcome({ kind: "cancelled", path, reason: "removed" });
    },
    stats() {
      let incomplete = 0;
      for (const { entry } of tracked.values())
        if (entry.previous?.kind === "present" && entry.previous.completeness.state === "incomplete")
          incomplete++;
      return { pending: tracked.size, incomplete, settled: reported.size };
    },
    close,
    [Symbol.dispose]: close,
  };
}

function outcomeOf(path: string, decision: SettleDecision): SettleOutcome | undefined {
  switch (decision.kind) {
    case "look-again":
    case "unchanged":
      return undefined;
    case "retry":
      return { kind: "retrying", path, ...without(decision) };
    case "ready":
      return { kind: "ready", path, ...without(decision) };
    case "abandoned":
      return { kind: "abandoned", path, ...without(decision) };
    case "gone":
      return { kind: "cancelled", path, reason: "vanished" };
    default:
      return assertNever(decision);
  }
}

function without<T extends { kind: string }>(decision: T): Omit<T, "kind"> {
  const { kind: _kind, ...rest } = decision;
  return rest;
}
