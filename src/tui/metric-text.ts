import { entryMetricValue } from "../core/catalog/best-entries.ts";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { metricSortKey } from "../core/catalog/metric-sort-key.ts";
import { formatMetricValue, MISSING_METRIC_TEXT } from "../core/metrics/format-metric.ts";
import { isCanonicalMetric, metricDefinition } from "../core/metrics/metric-catalog.ts";

const UNKNOWN_METRIC = { format: "float" } as const;

/** A metric's value as the TUI shows it: under its definition, four decimals for metrics ckpt does not know. */
export function metricText(name: string, value: number | null): string {
  return formatMetricValue(value, isCanonicalMetric(name) ? metricDefinition(name) : UNKNOWN_METRIC);
}

/** `name value` of one metric of an entry (a run header's `best hmean 98.11%`). */
export function namedMetricText(entry: CatalogEntry, name: string): string {
  return `${name} ${metricText(name, entryMetricValue(entry, name))}`;
}

/** `name value` of the entry's primary metric: the list and the detail both show this text. */
export function primaryMetricText(entry: CatalogEntry): string {
  if (entry.primary_metric === null) return MISSING_METRIC_TEXT;
  return namedMetricText(entry, metricSortKey(entry.primary_metric.name));
}

/** One metric column's cell: the value under that canonical name, read the same way `best` reads it. */
export function metricCell(name: string): (entry: CatalogEntry) => string {
  return (entry) => metricText(name, entryMetricValue(entry, name));
}
