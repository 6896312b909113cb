import type { Database } from "bun:sqlite";
import { parseSortSpec, SORT_KEYWORDS, type SortSpec } from "../core/catalog/entry-query.ts";
import { resolveLsColumnIds } from "../core/catalog/ls-column-ids.ts";
import { LS_COLUMN_IDS } from "../core/catalog/ls-columns.ts";
import { renderMetricNameList } from "../core/catalog/metric-name-list.ts";
import { type ResolvedMetric, resolveMetricName } from "../core/catalog/resolve-metric-name.ts";
import { AppError } from "../core/errors/app-error.ts";
import { didYouMean, type UnknownName } from "../core/suggestions/nearest-names.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { loggedMetricNames } from "../io/catalog/catalog-reads.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";

/** The value that lists a flag's valid names instead of using one: `--sort help`, `--metric help`, `--columns help`. */
export const LIST_REQUEST = "help";

const NAME_FLAGS = ["sort", "metric", "columns"] as const;
export type NameFlag = (typeof NAME_FLAGS)[number];

const WHAT: Readonly<Record<NameFlag, string>> = { sort: "sort key", metric: "metric", columns: "column" };

export function unknownNameError(command: string, flag: NameFlag, unknown: UnknownName): AppError {
  const hint = didYouMean(unknown.suggestions.map(escapeControl));
  return new AppError(
    "usage",
    `${command}: unknown ${WHAT[flag]} '${escapeControl(unknown.typed)}'.${hint === "" ? "" : ` ${hint}`} Run 'ckpt ${command} --${flag} ${LIST_REQUEST}' to list them.`,
  );
}

/** What `--FLAG help` prints: the fixed choices of that flag, then every metric name. */
export function renderNameChoices(flag: NameFlag, loggedMetrics: readonly string[]): string {
  const fixed: Readonly<Record<NameFlag, string>> = {
    sort: `Sort keys (prefix - for descending; missing values always last):\n  ${SORT_KEYWORDS.join(", ")}, or a metric\n\n`,
    metric: "",
    columns: `Columns (comma-separated):\n  ${LS_COLUMN_IDS.join(", ")} (the primary metric, named), or a metric\n\n`,
  };
  return `${fixed[flag]}${renderMetricNameList(loggedMetrics)}`;
}

export function resolveSortFlag(command: string, text: string, loggedMetrics: readonly string[]): SortSpec {
  const parsed = parseSortSpec(text, loggedMetrics);
  if (!parsed.success) throw unknownNameError(command, "sort", parsed.error);
  return parsed.data;
}

export function resolveMetricFlag(
  command: string,
  text: string,
  loggedMetrics: readonly string[],
): ResolvedMetric {
  const resolved = resolveMetricName(text, loggedMetrics);
  if (!resolved.success)
    throw unknownNameError(command, "metric", { typed: text, suggestions: resolved.error });
  return resolved.data;
}

export function resolveColumnsFlag(
  command: string,
  text: string,
  loggedMetrics: readonly string[],
): string[] {
  const resolved = resolveLsColumnIds(text, loggedMetrics);
  if (!resolved.success) throw unknownNameError(command, "columns", resolved.error);
  return resolved.data;
}

/** The catalog's logged metric names, read (a pass over every row) only when a flag has a name to resolve or list. */
export function metricNamesFor(
  database: Database | null,
  values: Partial<Record<NameFlag, string | undefined>>,
): string[] {
  const needed = NAME_FLAGS.some((flag) => values[flag] !== undefined);
  return database === null || !needed ? [] : loggedMetricNames(database);
}

/** `metricNamesFor` over a `CatalogStore`: the logged names, read only when a flag needs them. */
export async function metricNamesIn(
  store: CatalogStore | null,
  values: Partial<Record<NameFlag, string | undefined>>,
): Promise<string[]> {
  const needed = NAME_FLAGS.some((flag) => values[flag] !== undefined);
  return store === null || !needed ? [] : store.loggedMetricNames();
}

/** The first of `flags` whose value asks for the list of names, or null. */
export function listRequest(values: Partial<Record<NameFlag, string | undefined>>): NameFlag | null {
  return NAME_FLAGS.find((flag) => values[flag]?.trim().toLowerCase() === LIST_REQUEST) ?? null;
}
