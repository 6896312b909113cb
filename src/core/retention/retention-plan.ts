import { bestRankOptions, bestRuleOf, runOf } from "../catalog/best-entries.ts";
import type { CatalogEntry } from "../catalog/catalog-entry.ts";
import { formatAge } from "../catalog/human-units.ts";
import { type RankOptions, rankBy } from "../metrics/best-checkpoint.ts";
import { newestFirst } from "./newest-first.ts";
import type { RetentionPolicy } from "./retention-policy.ts";
import {
  addProtections,
  isComplete,
  type ProtectionContext,
  pointerIndex,
  type RetentionPointer,
  type RunProtection,
  runActiveReason,
} from "./retention-protections.ts";

export const RETENTION_ACTIONS = ["keep", "delete"] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

export type RetentionDecision = {
  readonly entry: CatalogEntry;
  readonly run: string;
  readonly action: RetentionAction;
  /** Every reason it stays ("latest, best 1 of 9 by hmean"), or why no rule kept it. */
  readonly reason: string;
  /** Kept whatever the rules say: the run's latest, a pointer's target, an active run, a link, not whole… */
  readonly guarded: boolean;
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

/** A run's ranks, by index in its entries (ordered by path). */
type RunRanks = {
  /** How many of the run's checkpoints are complete (ranked). */
  readonly total: number;
  /** The index of the newest complete entry, -1 when there is none. */
  readonly latest: number;
  /** 1 for the newest complete entry, 2 for the next, …; 0 for an entry not ranked. */
  readonly age: readonly number[];
  /** The rank by the run's metric of each complete entry that has a value; 0 for the others. */
  readonly best: readonly number[];
  readonly metric: string | null;
  /** ` of 9 by hmean`: how every rank in the run ends. */
  readonly ofTotalBy: string;
};

/**
 * Rank options over indices into `entries`: ranking indices tells each entry's rank without a lookup by entry.
 * The metric's values are asked once per entry (`value`, by index), not once per comparison key and again after.
 */
function byIndex(
  entries: readonly CatalogEntry[],
  options: RankOptions<CatalogEntry>,
  value: readonly (number | null | undefined)[],
): RankOptions<number> {
  const of = (at: number) => entries[at] as CatalogEntry;
  const { preferred, step, epoch, demoted, path } = options;
  return {
    metric: (at) => value[at],
    higherIsBetter: options.higherIsBetter,
    ...(preferred === undefined ? {} : { preferred: (at: number) => preferred(of(at)) }),
    ...(step === undefined ? {} : { step: (at: number) => step(of(at)) }),
    ...(epoch === undefined ? {} : { epoch: (at: number) => epoch(of(at)) }),
    ...(demoted === undefined ? {} : { demoted: (at: number) => demoted(of(at)) }),
    ...(path === undefined ? {} : { path: (at: number) => path(of(at)) }),
  };
}

/** Each complete entry's rank by the run's metric (`ckpt best`'s rule) into `best`; the metric's name. */
function rankByMetric(
  entries: readonly CatalogEntry[],
  complete: readonly number[],
  options: { readonly policy: RetentionPolicy; readonly best: number[] },
): string | null {
  const { policy, best } = options;
  if (policy.keepBest === null) return policy.metric;
  const rule = bestRuleOf(
    complete.map((at) => entries[at] as CatalogEntry),
    policy.metric ?? undefined,
  );
  if (rule === null) return policy.metric;
  const rank = bestRankOptions(rule);
  const value = new Array<number | null>(entries.length).fill(null);
  for (const at of complete) value[at] = rank.metric(entries[at] as CatalogEntry) ?? null;
  rankBy(complete, byIndex(entries, rank, value)).forEach((at, place) => {
    if (Number.isFinite(value[at] ?? Number.NaN)) best[at] = place + 1;
  });
  return rule.metric;
}

function ranksOf(entries: readonly CatalogEntry[], policy: RetentionPolicy): RunRanks {
  const complete: number[] = [];
  entries.forEach((entry, at) => {
    if (isComplete(entry)) complete.push(at);
  });
  const newest = newestFirst(entries, complete);
  const age = new Array<number>(entries.length).fill(0);
  newest.forEach((at, place) => {
    age[at] = place + 1;
  });
  const best = new Array<number>(entries.length).fill(0);
  const metric = rankByMetric(entries, complete, { policy, best });
  const total = complete.length;
  return { total, latest: newest[0] ?? -1, age, best, metric, ofTotalBy: ` of ${total} by ${metric}` };
}

/** One run's checkpoints (ordered by path) and their ranks. */
type RankedRun = { readonly entries: readonly CatalogEntry[]; readonly ranks: RunRanks };

/** The rules' reasons to keep the entry, added to `reasons`. */
function addRuleReasons(
  at: number,
  run: RankedRun,
  reasons: { readonly input: RetentionInput; readonly into: string[] },
) {
  const { policy, now } = reasons.input;
  const { ranks } = run;
  const entry = run.entries[at] as CatalogEntry;
  const total = ranks.total;
  const into = reasons.into;
  const rank = ranks.best[at] ?? 0;
  if (policy.keepBest !== null && rank !== 0 && rank <= policy.keepBest)
    into.push(`best ${rank} of ${total} by ${ranks.metric}`);
  if (policy.keepBest !== null && rank === 0 && !policy.deleteUnranked)
    into.push(`no ${ranks.metric ?? "primary metric"} value`);
  const age = ranks.age[at] || total + 1;
  if (policy.keepLast !== null && age <= policy.keepLast) into.push(`last ${age} of ${total}`);
  const every = policy.keepEvery;
  const position = every === null ? null : every.unit === "steps" ? entry.global_step : entry.epoch;
  if (every !== null && position !== null && position % every.count === 0)
    into.push(
      `every ${every.count} ${every.unit} (${every.unit === "steps" ? "step" : "epoch"} ${position})`,
    );
  if (policy.keepSinceMs !== null && now - entry.mtime_ms <= policy.keepSinceMs)
    into.push(`modified within ${formatAge(policy.keepSinceMs, 0)}`);
}

/** Counts as text, made once each: a 100k plan says "rank 7" and "newest 93" ~200k times. */
const COUNT_TEXTS: string[] = [];

function countText(count: number): string {
  if (count >= 4096) return String(count);
  COUNT_TEXTS[count] ??= String(count);
  return COUNT_TEXTS[count];
}

/** Why no rule kept it: its rank by the metric and its place among the newest. */
function deleteReason(at: number, ranks: RunRanks, policy: RetentionPolicy): string {
  const parts: string[] = [];
  if (policy.keepBest !== null) {
    const rank = ranks.best[at] ?? 0;
    parts.push(
      rank === 0 ? `no ${ranks.metric ?? "metric"} value` : `rank ${countText(rank)}${ranks.ofTotalBy}`,
    );
  }
  if (policy.keepLast !== null)
    parts.push(`newest ${countText(ranks.age[at] ?? 0)} of ${countText(ranks.total)}`);
  if (policy.keepEvery !== null) parts.push(`not every ${policy.keepEvery.count} ${policy.keepEvery.unit}`);
  if (policy.keepSinceMs !== null) parts.push(`older than ${formatAge(policy.keepSinceMs, 0)}`);
  return parts.length === 1 ? (parts[0] as string) : parts.join(", ");
}

/** The newest change of the run's files: its log files' (`logs`), else its checkpoints'. */
function runActivity(entries: readonly CatalogEntry[], logs: number | undefined): number {
  let newest = logs ?? Number.NEGATIVE_INFINITY;
  for (const entry of entries) if (entry.mtime_ms > newest) newest = entry.mtime_ms;
  return newest;
}

/** One run's decisions, appended to `decisions` in the order of its entries. */
function decideRun(
  run: { readonly dir: string; readonly entries: readonly CatalogEntry[] },
  input: RetentionInput,
  decisions: { readonly context: ProtectionContext; readonly into: RetentionDecision[] },
): void {
  const { dir, entries } = run;
  const ranked: RankedRun = { entries, ranks: ranksOf(entries, input.policy) };
  const activity = runActivity(entries, input.logActivity?.get(dir));
  const context: RunProtection = {
    ...decisions.context,
    runActive: runActiveReason(activity, decisions.context),
  };
  // One list of reasons for the run's entries in turn: no array made (and dropped) per checkpoint.
  const reasons: string[] = [];
  const rules = { input, into: reasons };
  for (let at = 0; at < entries.length; at++) {
    const entry = entries[at] as CatalogEntry;
    reasons.length = 0;
    if (at === ranked.ranks.latest) reasons.push("latest");
    addProtections(entry, context, reasons);
    const guarded = reasons.length > 0;
    if (isComplete(entry)) addRuleReasons(at, ranked, rules);
    decisions.into.push(
      reasons.length > 0
        ? {
            entry,
            run: dir,
            action: "keep",
            reason: reasons.length === 1 ? (reasons[0] as string) : reasons.join(", "),
            guarded,
          }
        : {
            entry,
            run: dir,
            action: "delete",
            reason: deleteReason(at, ranked.ranks, input.policy),
            guarded: false,
          },
    );
  }
}

/** The entries by run, each run's in the order given (a run's entries mostly come one after another). */
export function entriesByRun(entries: readonly CatalogEntry[]): Map<string, CatalogEntry[]> {
  const runs = new Map<string, CatalogEntry[]>();
  let run: string | null = null;
  let list: CatalogEntry[] = [];
  for (const entry of entries) {
    const its = runOf(entry);
    if (its !== run) {
      run = its;
      const known = runs.get(its);
      list = known ?? [];
      if (known === undefined) runs.set(its, list);
    }
    list.push(entry);
  }
  return runs;
}

function byPath(a: CatalogEntry, b: CatalogEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The entries ordered by path; entries already in that order (as a catalog often gives them) are not sorted. */
function sortedByPath(entries: CatalogEntry[]): CatalogEntry[] {
  for (let at = 1; at < entries.length; at++)
    if (byPath(entries[at - 1] as CatalogEntry, entries[at] as CatalogEntry) > 0) return entries.sort(byPath);
  return entries;
}

/**
 * What a retention policy keeps and deletes, per run (ordered by run, then path), each with its reasons. Kept
 * whatever the rules say: the newest complete checkpoint of each run, pointer targets and links, checkpoints not
 * read whole or not settled, and every checkpoint of an active run unless `includeActive`. The "best" is the one
 * `ckpt best` picks (`bestRuleOf`, `bestRankOptions`).
 */
export function planRetention(input: RetentionInput): RetentionDecision[] {
  const runs = entriesByRun(input.entries);
  const context: ProtectionContext = {
    now: input.now,
    settleMs: input.settleMs ?? 0,
    activeWindowMs: input.policy.activeWindowMs,
    includeActive: input.policy.includeActive,
    pointers: pointerIndex(input.entries, input.pointers ?? []),
  };
  const into: RetentionDecision[] = [];
  for (const dir of [...runs.keys()].sort())
    decideRun({ dir, entries: sortedByPath(runs.get(dir) ?? []) }, input, { context, into });
  return into;
}
