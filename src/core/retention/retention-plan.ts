import { bestRankOptions, bestRuleOf, entryMetricValue, runOf } from "../catalog/best-entries.ts";
import type { CatalogEntry } from "../catalog/catalog-entry.ts";
import { formatAge } from "../catalog/human-units.ts";
import { rankBy } from "../metrics/best-checkpoint.ts";
import { isLastFile } from "../metrics/framework-best-file.ts";
import type { RetentionPolicy } from "./retention-policy.ts";
import {
  isComplete,
  type ProtectionContext,
  pointerIndex,
  protectionsOf,
  type RetentionPointer,
} from "./retention-protections.ts";

export const RETENTION_ACTIONS = ["keep", "delete"] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

export type RetentionDecision = {
  readonly entry: CatalogEntry;
  readonly run: string;
  readonly action: RetentionAction;
  /** Every reason it stays ("latest, best 1 of 9 by hmean"), or why no rule kept it. */
  readonly reason: string;
};

export type RetentionInput = {
  readonly entries: readonly CatalogEntry[];
  readonly policy: RetentionPolicy;
  readonly now: number;
  /** @default [] */
  readonly pointers?: readonly RetentionPointer[];
  /** Per run directory, the newest change of its log files (ckpt's sidecars excluded). @default empty */
  readonly logActivity?: ReadonlyMap<string, number>;
  /**
   * Checkpoints changed more recently are not settled: the daemon passes its settle time. A one-shot prune relies
   * on the reader (a checkpoint is `ok` only when its format says it is whole) and on the active-run window.
   * @default 0
   */
  readonly settleMs?: number;
};

type RunRanks = {
  /** Complete entries newest first: by step, epoch, then mtime and path. */
  readonly newest: readonly CatalogEntry[];
  /** By path (a string key: cheaper than the entry object), 1 for the newest complete entry, 2 for the next, … */
  readonly age: ReadonlyMap<string, number>;
  /** By path, the rank by the run's metric of each complete entry that has a value. */
  readonly best: ReadonlyMap<string, number>;
  readonly metric: string | null;
};

type Position = (entry: CatalogEntry) => number | null;

/** An entry with its sort keys, computed once rather than in every comparison. */
type Dated = {
  readonly entry: CatalogEntry;
  readonly first: number;
  readonly second: number;
  readonly last: number;
};

function compareDated(a: Dated, b: Dated): number {
  if (a.first !== b.first) return a.first > b.first ? -1 : 1;
  if (a.second !== b.second) return a.second > b.second ? -1 : 1;
  const [x, y] = [a.entry, b.entry];
  return b.last - a.last || y.mtime_ms - x.mtime_ms || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
}

/**
 * Newest first by the run's own clock: its steps when every checkpoint records one, else its epochs when every
 * one does (Ultralytics' `last.pt` has an epoch but no step), else file times. At the same point the framework's
 * rolling last file is the resume point, then the newer file, then the path.
 */
function newestFirst(entries: readonly CatalogEntry[]): CatalogEntry[] {
  const step: Position = (entry) => entry.global_step;
  const epoch: Position = (entry) => entry.epoch;
  const usable = (position: Position) => entries.every((entry) => position(entry) !== null);
  const none: Position = () => null;
  const [first, second] = usable(step) ? [step, epoch] : usable(epoch) ? [epoch, step] : [none, none];
  const key = (position: Position, entry: CatalogEntry) => position(entry) ?? Number.NEGATIVE_INFINITY;
  const dated = entries.map(
    (entry): Dated => ({
      entry,
      first: key(first, entry),
      second: key(second, entry),
      last: isLastFile(entry.path) ? 1 : 0,
    }),
  );
  return dated.sort(compareDated).map(({ entry }) => entry);
}

function ranksOf(complete: readonly CatalogEntry[], policy: RetentionPolicy): RunRanks {
  const newest = newestFirst(complete);
  const rule = policy.keepBest === null ? null : bestRuleOf(complete, policy.metric ?? undefined);
  const best = new Map<string, number>();
  if (rule !== null) {
    const ranked = rankBy(complete, bestRankOptions(rule));
    ranked.forEach((entry, at) => {
      if (Number.isFinite(entryMetricValue(entry, rule.metric) ?? Number.NaN)) best.set(entry.path, at + 1);
    });
  }
  const age = new Map(newest.map((entry, at) => [entry.path, at + 1]));
  return { newest, age, best, metric: rule?.metric ?? policy.metric };
}

function ruleReasons(entry: CatalogEntry, ranks: RunRanks, input: RetentionInput): string[] {
  const { policy, now } = input;
  const total = ranks.newest.length;
  const reasons: string[] = [];
  const rank = ranks.best.get(entry.path);
  if (policy.keepBest !== null && rank !== undefined && rank <= policy.keepBest)
    reasons.push(`best ${rank} of ${total} by ${ranks.metric}`);
  if (policy.keepBest !== null && rank === undefined && !policy.deleteUnranked)
    reasons.push(`no ${ranks.metric ?? "primary metric"} value`);
  const age = ranks.age.get(entry.path) ?? total + 1;
  if (policy.keepLast !== null && age <= policy.keepLast) reasons.push(`last ${age} of ${total}`);
  const every = policy.keepEvery;
  const position = every === null ? null : every.unit === "steps" ? entry.global_step : entry.epoch;
  if (every !== null && position !== null && position % every.count === 0)
    reasons.push(
      `every ${every.count} ${every.unit} (${every.unit === "steps" ? "step" : "epoch"} ${position})`,
    );
  if (policy.keepSinceMs !== null && now - entry.mtime_ms <= policy.keepSinceMs)
    reasons.push(`modified within ${formatAge(policy.keepSinceMs, 0)}`);
  return reasons;
}

/** Why no rule kept it: its rank by the metric and its place among the newest. */
function deleteReason(entry: CatalogEntry, ranks: RunRanks, policy: RetentionPolicy): string {
  const total = ranks.newest.length;
  let reason = "";
  const add = (part: string) => {
    reason = reason === "" ? part : `${reason}, ${part}`;
  };
  const rank = ranks.best.get(entry.path);
  if (policy.keepBest !== null)
    add(
      rank === undefined
        ? `no ${ranks.metric ?? "metric"} value`
        : `rank ${rank} of ${total} by ${ranks.metric}`,
    );
  if (policy.keepLast !== null) add(`newest ${ranks.age.get(entry.path)} of ${total}`);
  if (policy.keepEvery !== null) add(`not every ${policy.keepEvery.count} ${policy.keepEvery.unit}`);
  if (policy.keepSinceMs !== null) add(`older than ${formatAge(policy.keepSinceMs, 0)}`);
  return reason;
}

function runActivity(
  entries: readonly CatalogEntry[],
  logs: ReadonlyMap<string, number>,
): Map<string, number> {
  const activity = new Map(logs);
  for (const entry of entries) {
    const run = runOf(entry);
    activity.set(run, Math.max(activity.get(run) ?? Number.NEGATIVE_INFINITY, entry.mtime_ms));
  }
  return activity;
}

function decideRun(
  run: string,
  entries: readonly CatalogEntry[],
  input: RetentionInput,
  context: ProtectionContext,
) {
  const ranks = ranksOf(entries.filter(isComplete), input.policy);
  const latest = ranks.newest[0];
  return entries.map((entry): RetentionDecision => {
    const reasons = protectionsOf(entry, run, context);
    if (entry === latest) reasons.unshift("latest");
    if (isComplete(entry)) reasons.push(...ruleReasons(entry, ranks, input));
    if (reasons.length > 0) return { entry, run, action: "keep", reason: reasons.join(", ") };
    return { entry, run, action: "delete", reason: deleteReason(entry, ranks, input.policy) };
  });
}

/**
 * What a retention policy keeps and deletes, per run (ordered by run, then path), each with its reasons. Kept
 * whatever the rules say: the newest complete checkpoint of each run, pointer targets and links, checkpoints not
 * read whole or not settled, and every checkpoint of an active run unless `includeActive`. The "best" is the one
 * `ckpt best` picks (`bestRuleOf`, `bestRankOptions`).
 */
export function planRetention(input: RetentionInput): RetentionDecision[] {
  const runs = new Map<string, CatalogEntry[]>();
  for (const entry of input.entries) {
    const run = runOf(entry);
    const list = runs.get(run);
    if (list === undefined) runs.set(run, [entry]);
    else list.push(entry);
  }
  const context: ProtectionContext = {
    now: input.now,
    settleMs: input.settleMs ?? 0,
    activeWindowMs: input.policy.activeWindowMs,
    includeActive: input.policy.includeActive,
    pointers: pointerIndex(input.entries, input.pointers ?? []),
    runActivity: runActivity(input.entries, input.logActivity ?? new Map()),
  };
  return [...runs.keys()].sort().flatMap((run) => {
    const entries = (runs.get(run) ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return decideRun(run, entries, input, context);
  });
}
