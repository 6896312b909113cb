import { bestOf, type RankOptions } from "../metrics/best-checkpoint.ts";
import { isFrameworkBestFile, isLastFile } from "../metrics/framework-best-file.ts";
import { isCanonicalMetric, metricDefinition } from "../metrics/metric-catalog.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { guessRunDir } from "./entry-from-metadata.ts";
import { metricSortKey } from "./metric-sort-key.ts";
import { metricValueOf } from "./metric-value.ts";

export type BestOptions = {
  /** Rank by this metric instead of each group's primary metric. */
  readonly metric?: string;
  /** One winner over all entries instead of one per run. @default false */
  readonly overall?: boolean;
};

/**
 * A metric value of an entry: its primary value when the names agree and it has one, else the metrics block's. A
 * monitor logged under another alias (`val/hmean` missing, `cleval/hmean` there) still has its canonical value.
 */
export function entryMetricValue(entry: CatalogEntry, canonical: string): number | null {
  const primary = entry.primary_metric;
  if (primary !== null && primary.value !== null && metricSortKey(primary.name) === canonical)
    return primary.value;
  return metricValueOf(entry.metrics, canonical);
}

/** The primary metric most entries have a value for (else the one most name): a rule nobody has a value for picks nothing. */
function mostCommonPrimary(entries: readonly CatalogEntry[]): string | null {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const primary = entry.primary_metric;
    if (primary === null) continue;
    const name = metricSortKey(primary.name);
    const valued = primary.value !== null && Number.isFinite(primary.value);
    counts.set(name, (counts.get(name) ?? 0) + (valued ? 1 + entries.length : 1));
  }
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0] ?? null;
}

/**
 * Direction: what the entries' own primary metric records (the framework's mode: Lightning's `mode`, HF's
 * `greater_is_better`, timm's `decreasing`), else the canonical definition, else higher is better.
 */
export function higherIsBetter(entries: readonly CatalogEntry[], canonical: string): boolean {
  let votes = 0;
  for (const entry of entries) {
    const primary = entry.primary_metric;
    if (primary !== null && metricSortKey(primary.name) === canonical)
      votes += primary.higher_is_better ? 1 : -1;
  }
  if (votes !== 0) return votes > 0;
  return isCanonicalMetric(canonical) ? metricDefinition(canonical).higher_is_better : true;
}

/** What a group of checkpoints is ranked by: a catalog metric key and its direction. */
export type BestRule = { readonly metric: string; readonly higherIsBetter: boolean };

/**
 * The rule `best`, the TUI's ★ and its metric sort use for one run's entries: `metric` when given, else their most
 * common primary metric (each framework's own: Lightning's monitor, Ultralytics fitness, timm's eval metric, HF's
 * metric_for_best_model), in the direction their checkpoints record.
 */
export function bestRuleOf(entries: readonly CatalogEntry[], metric?: string): BestRule | null {
  const key = metric === undefined ? mostCommonPrimary(entries) : metricSortKey(metric);
  return key === null ? null : { metric: key, higherIsBetter: higherIsBetter(entries, key) };
}

/** A winner, the metric it won by (the catalog's key) and that metric's direction. */
export type BestPick = { entry: CatalogEntry; metric: string; higherIsBetter: boolean };

/** How `best` compares catalog entries under a rule: its metric, then the tie-breaks `rankBy` documents. */
export function bestRankOptions(rule: BestRule): RankOptions<CatalogEntry> {
  return {
    metric: (candidate) => entryMetricValue(candidate, rule.metric),
    higherIsBetter: rule.higherIsBetter,
    preferred: (candidate) => isFrameworkBestFile(candidate.framework, candidate.path),
    step: (candidate) => candidate.global_step,
    epoch: (candidate) => candidate.epoch,
    demoted: (candidate) => isLastFile(candidate.path),
    path: (candidate) => candidate.path,
  };
}

/** The run a catalog entry belongs to: its recorded run directory, else the one its path suggests. */
export function runOf(entry: CatalogEntry): string {
  return entry.run_dir ?? guessRunDir(entry.path);
}

function bestIn(entries: readonly CatalogEntry[], metric: string | undefined): BestPick | null {
  const rule = bestRuleOf(entries, metric);
  if (rule === null) return null;
  const entry = bestOf(entries, bestRankOptions(rule));
  return entry === null ? null : { entry, metric: rule.metric, higherIsBetter: rule.higherIsBetter };
}

/**
 * The best checkpoint of each run (or overall) by its rule (`bestRuleOf`); ties go to the framework's own best
 * file, then the later step, then epoch, then not a `last` copy, then path. Runs where no entry has a value are
 * left out. Ordered by run directory.
 */
export function bestEntries(entries: readonly CatalogEntry[], options: BestOptions = {}): BestPick[] {
  if (options.overall === true) {
    const best = bestIn(entries, options.metric);
    return best === null ? [] : [best];
  }
  const runs = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    const run = runOf(entry);
    runs.set(run, [...(runs.get(run) ?? []), entry]);
  }
  return [...runs.keys()].sort().flatMap((run) => {
    const best = bestIn(runs.get(run) ?? [], options.metric);
    return best === null ? [] : [best];
  });
}
