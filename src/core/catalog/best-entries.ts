import { bestOf } from "../metrics/best-checkpoint.ts";
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

function mostCommonPrimary(entries: readonly CatalogEntry[]): string | null {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (entry.primary_metric === null) continue;
    const name = metricSortKey(entry.primary_metric.name);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0] ?? null;
}

/** Direction: the canonical definition, else what the entries' callbacks said, else higher is better. */
export function higherIsBetter(entries: readonly CatalogEntry[], canonical: string): boolean {
  if (isCanonicalMetric(canonical)) return metricDefinition(canonical).higher_is_better;
  const said = entries.find(
    (entry) => entry.primary_metric !== null && metricSortKey(entry.primary_metric.name) === canonical,
  );
  return said?.primary_metric?.higher_is_better ?? true;
}

/** A winner, the metric it won by (the catalog's key) and that metric's direction. */
export type BestPick = { entry: CatalogEntry; metric: string; higherIsBetter: boolean };

function bestIn(entries: readonly CatalogEntry[], metric: string | undefined): BestPick | null {
  const canonical = metric === undefined ? mostCommonPrimary(entries) : metricSortKey(metric);
  if (canonical === null) return null;
  const direction = higherIsBetter(entries, canonical);
  const entry = bestOf(entries, {
    metric: (candidate) => entryMetricValue(candidate, canonical),
    higherIsBetter: direction,
    step: (candidate) => candidate.global_step,
    epoch: (candidate) => candidate.epoch,
    path: (candidate) => candidate.path,
  });
  return entry === null ? null : { entry, metric: canonical, higherIsBetter: direction };
}

/**
 * The best checkpoint of each run (or overall) by its primary metric in that metric's direction; ties go to the
 * later step, then epoch, then path. Runs where no entry has a value are left out. Ordered by run directory.
 */
export function bestEntries(entries: readonly CatalogEntry[], options: BestOptions = {}): BestPick[] {
  if (options.overall === true) {
    const best = bestIn(entries, options.metric);
    return best === null ? [] : [best];
  }
  const runs = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    const run = entry.run_dir ?? guessRunDir(entry.path);
    runs.set(run, [...(runs.get(run) ?? []), entry]);
  }
  return [...runs.keys()].sort().flatMap((run) => {
    const best = bestIn(runs.get(run) ?? [], options.metric);
    return best === null ? [] : [best];
  });
}
