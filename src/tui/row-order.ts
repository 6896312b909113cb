import { assertNever } from "../core/assert-never.ts";
import { entryMetricValue, higherIsBetter } from "../core/catalog/best-entries.ts";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { metricSortKey } from "../core/catalog/metric-sort-key.ts";
import type { SortColumn } from "./ui-state.ts";

export type SortOrder = { readonly column: SortColumn; readonly descending: boolean };

type FieldColumn = Exclude<SortColumn, "metric">;
type SortValue = number | string | null;

function fieldValue(entry: CatalogEntry, column: FieldColumn): SortValue {
  switch (column) {
    case "checkpoint":
      return entry.path;
    case "epoch":
      return entry.epoch;
    case "step":
      return entry.global_step;
    case "size":
      return entry.size;
    case "age":
      return -entry.mtime_ms;
    default:
      return assertNever(column);
  }
}

/** Missing values last in both directions; ties by path so the order never depends on the catalog's. */
function compareValues(x: SortValue, y: SortValue, paths: { a: string; b: string }, sign: number): number {
  if (x !== y) {
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  }
  return paths.a < paths.b ? -1 : paths.a > paths.b ? 1 : 0;
}

/**
 * Where an entry stands by metric: its primary metric's canonical name and its value turned so that higher is
 * better. Only ranks of the same metric are compared by value; timm's accuracy never outranks an hmean.
 */
export type MetricRank = { readonly metric: string | null; readonly score: number | null };

/** Ranks entries of one run: the direction of each metric is the one `best` uses, looked up once per name. */
export function metricRanker(runEntries: readonly CatalogEntry[]): (entry: CatalogEntry) => MetricRank {
  const directions = new Map<string, boolean>();
  return (entry) => {
    if (entry.primary_metric === null) return { metric: null, score: null };
    const metric = metricSortKey(entry.primary_metric.name);
    const value = entryMetricValue(entry, metric);
    if (value === null || !Number.isFinite(value)) return { metric, score: null };
    let higher = directions.get(metric);
    if (higher === undefined) {
      higher = higherIsBetter(runEntries, metric);
      directions.set(metric, higher);
    }
    return { metric, score: higher ? value : -value };
  };
}

/**
 * The order metrics are grouped in: the one most of `ranks` have first (a run's own metric, the one `best` picks
 * its ★ by; across runs, the one most runs share), then by name; no metric last.
 */
export function metricOrder(ranks: readonly MetricRank[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const { metric } of ranks) if (metric !== null) counts.set(metric, (counts.get(metric) ?? 0) + 1);
  const names = [...counts.keys()].sort((a, b) => {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    return (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (x < y ? -1 : x > y ? 1 : a < b ? -1 : 1);
  });
  return new Map(names.map((name, index) => [name, index]));
}

/**
 * Grouped by metric in `order`, then by value within a metric: best first when descending. A missing value
 * comes last within its metric, in both directions.
 */
export function compareMetricRanks(
  a: MetricRank,
  b: MetricRank,
  options: { readonly order: ReadonlyMap<string, number>; readonly descending: boolean },
): number {
  const place = (rank: MetricRank) =>
    rank.metric === null ? Number.POSITIVE_INFINITY : (options.order.get(rank.metric) ?? options.order.size);
  const byMetric = place(a) - place(b);
  if (byMetric !== 0) return byMetric;
  if (a.score === b.score) return 0;
  if (a.score === null) return 1;
  if (b.score === null) return -1;
  return (a.score - b.score) * (options.descending ? -1 : 1);
}

/** Two entries by a column other than the metric, for ordering runs by their first shown checkpoint. */
export function fieldComparator(column: FieldColumn, descending: boolean) {
  const sign = descending ? -1 : 1;
  return (a: CatalogEntry, b: CatalogEntry): number =>
    compareValues(fieldValue(a, column), fieldValue(b, column), { a: a.path, b: b.path }, sign);
}

/** The order of one run's checkpoints, with each key computed once, not twice per comparison (`s` on 100k rows). */
export function sortEntries<T>(
  items: readonly T[],
  options: {
    readonly entry: (item: T) => CatalogEntry;
    readonly sort: SortOrder;
    readonly runEntries: readonly CatalogEntry[];
  },
): T[] {
  const { sort } = options;
  const entries = items.map(options.entry);
  const paths = entries.map((entry) => entry.path);
  const byPath = (i: number, j: number) => {
    const [a, b] = [paths[i] ?? "", paths[j] ?? ""];
    return a < b ? -1 : a > b ? 1 : 0;
  };
  let compare: (i: number, j: number) => number;
  if (sort.column === "metric") {
    const ranks = entries.map(metricRanker(options.runEntries));
    const rankOptions = { order: metricOrder(ranks), descending: sort.descending };
    compare = (i, j) =>
      compareMetricRanks(ranks[i] as MetricRank, ranks[j] as MetricRank, rankOptions) || byPath(i, j);
  } else {
    const column = sort.column;
    const values = entries.map((entry) => fieldValue(entry, column));
    const sign = sort.descending ? -1 : 1;
    const pair = { a: "", b: "" };
    compare = (i, j) => {
      pair.a = paths[i] ?? "";
      pair.b = paths[j] ?? "";
      return compareValues(values[i] ?? null, values[j] ?? null, pair, sign);
    };
  }
  return items
    .map((_, index) => index)
    .sort(compare)
    .map((index) => items[index] as T);
}
