import type { Completeness } from "../formats/completeness.ts";

/**
 * When is a path done being written? DESIGN §1 "settle": the format says complete **and** size/mtime/ino are the
 * same across two looks. Pure: the scheduler owns timers, stat and the format check, and asks this module what next.
 */

/** What a stat says about a path; for a checkpoint directory, a fold over its files (see settle-probes). */
export type PathIdentity = { readonly size: number; readonly mtimeMs: number; readonly ino: number };

export type SettleLook =
  | { readonly kind: "missing" }
  | { readonly kind: "present"; readonly identity: PathIdentity; readonly completeness: Completeness };

export type SettlePolicy = {
  /** Gap between the two looks that must agree, and the debounce of watch events during an episode. @default 100 */
  readonly quietMs: number;
  /** First retry delay for an incomplete path; doubles per unchanged look. @default 500 */
  readonly retryBaseMs: number;
  /** Retry delay cap. @default 60_000 */
  readonly retryMaxMs: number;
  /** Stop retrying a path that stayed incomplete and unchanged this long (a crashed writer). @default 3_600_000 */
  readonly giveUpAfterMs: number;
};

export const DEFAULT_SETTLE_POLICY: SettlePolicy = Object.freeze({
  quietMs: 100,
  retryBaseMs: 500,
  retryMaxMs: 60_000,
  giveUpAfterMs: 3_600_000,
});

/** Per-path memory between looks. `reported` survives episodes so a no-op change does not re-report. */
export type SettleEntry = {
  readonly phase: "pending" | "idle";
  readonly previous: SettleLook | undefined;
  /** Consecutive incomplete looks with no change in between: drives the backoff. */
  readonly attempt: number;
  /**
   * Incomplete looks in this episode, changed or not: each chunk of a slow write restarts the backoff, but this
   * keeps counting (the log's `attempt`) until the path settles, vanishes or is given up on.
   */
  readonly incompleteLooks: number;
  /** When the identity last changed (or the episode started): abandonment counts from here. */
  readonly changedAt: number;
  /** The identity last reported ready; undefined before the first report. */
  readonly reported: PathIdentity | undefined;
};

export type SettleDecision =
  | { readonly kind: "look-again"; readonly delayMs: number }
  | {
      readonly kind: "retry";
      readonly delayMs: number;
      readonly attempt: number;
      readonly incompleteLooks: number;
      readonly completeness: Completeness;
    }
  | { readonly kind: "ready"; readonly identity: PathIdentity; readonly completeness: Completeness }
  | { readonly kind: "unchanged" }
  | { readonly kind: "abandoned"; readonly completeness: Completeness; readonly incompleteForMs: number }
  | { readonly kind: "gone" };

export function sameIdentity(a: PathIdentity, b: PathIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** A watch event (or a reconcile) put the path in question: start or refresh an episode. */
export function beginSettle(entry: SettleEntry | undefined, now: number): SettleEntry {
  if (entry?.phase === "pending") return { ...entry, attempt: 0 };
  return {
    phase: "pending",
    previous: undefined,
    attempt: 0,
    incompleteLooks: 0,
    changedAt: now,
    reported: entry?.reported,
  };
}

/** `retryBaseMs · 2^(attempt-1)`, capped. */
export function retryDelay(attempt: number, policy: SettlePolicy): number {
  return Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}

export type DecideSettleInput = {
  readonly entry: SettleEntry;
  readonly look: SettleLook;
  readonly now: number;
  readonly policy?: SettlePolicy;
};

/**
 * The next step after one look. Incomplete never becomes `ready`; `complete`, `corrupt` and `unknown` are final
 * verdicts once two looks agree (a stable corrupt file is a diagnostic, not a retry loop).
 */
export function decideSettle(input: DecideSettleInput): { entry: SettleEntry; decision: SettleDecision } {
  const { entry, look, now } = input;
  const policy = input.policy ?? DEFAULT_SETTLE_POLICY;
  if (look.kind === "missing") return { entry: idle(entry, undefined), decision: { kind: "gone" } };
  const previous = entry.previous?.kind === "present" ? entry.previous : undefined;
  const changed = previous === undefined || !sameIdentity(previous.identity, look.identity);
  const changedAt = changed && previous !== undefined ? now : entry.changedAt;
  if (look.completeness.state === "incomplete") {
    const attempt = changed ? 1 : entry.attempt + 1;
    if (!changed && now - changedAt >= policy.giveUpAfterMs)
      return {
        entry: idle({ ...entry, previous: look }, entry.reported),
        decision: { kind: "abandoned", completeness: look.completeness, incompleteForMs: now - changedAt },
      };
    const delayMs = retryDelay(attempt, policy);
    const incompleteLooks = entry.incompleteLooks + 1;
    return {
      entry: { ...entry, previous: look, attempt, incompleteLooks, changedAt },
      decision: { kind: "retry", delayMs, attempt, incompleteLooks, completeness: look.completeness },
    };
  }
  const stable = !changed && previous?.completeness.state === look.completeness.state;
  if (!stable)
    return {
      entry: { ...entry, previous: look, attempt: 0, changedAt },
      decision: { kind: "look-again", delayMs: policy.quietMs },
    };
  if (entry.reported !== undefined && sameIdentity(entry.reported, look.identity))
    return { entry: idle({ ...entry, previous: look }, entry.reported), decision: { kind: "unchanged" } };
  return {
    entry: idle({ ...entry, previous: look }, look.identity),
    decision: { kind: "ready", identity: look.identity, completeness: look.completeness },
  };
}

function idle(entry: SettleEntry, reported: PathIdentity | undefined): SettleEntry {
  return { ...entry, phase: "idle", attempt: 0, incompleteLooks: 0, reported };
}
