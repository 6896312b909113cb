import { fail, ok, type Result } from "../result.ts";
import type { UnknownName } from "../suggestions/nearest-names.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { resolveMetricName, suggestMetricNames } from "./resolve-metric-name.ts";

export const SORT_FIELDS = ["path", "epoch", "step", "mtime", "size"] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export type SortKey =
  | { readonly kind: "field"; readonly field: SortField }
  /** `name` as typed; `canonical` is the catalog's key for it and `spellings` its logged names (`resolveMetricName`). */
  | {
      readonly kind: "metric";
      readonly name: string;
      readonly canonical: string;
      readonly spellings: readonly string[];
    }
  | { readonly kind: "primary" };

export type SortSpec = { readonly key: SortKey; readonly descending: boolean };

export type EntryFilter =
  | { readonly kind: "substring"; readonly text: string; readonly caseSensitive: boolean }
  | { readonly kind: "regex"; readonly regex: RegExp };

/** Sort keys besides metric names. */
export const SORT_KEYWORDS: readonly string[] = [...SORT_FIELDS, "primary"];

/**
 * `--sort` text: `epoch`, `step`, `mtime`, `size`, `path`, `primary`, or a metric name (`hmean`, `val/hmean`,
 * `mAP50`, or one logged in the catalog, see `resolveMetricName`); a leading `-` sorts descending. Entries without
 * the value always come last. Anything else is an unknown name with the nearest keys, `-` kept.
 */
export function parseSortSpec(text: string, loggedMetrics: readonly string[]): Result<SortSpec, UnknownName> {
  const descending = text.startsWith("-");
  const name = (descending ? text.slice(1) : text).trim();
  const lower = name.toLowerCase();
  const field = SORT_FIELDS.find((candidate) => candidate === lower);
  if (field !== undefined) return ok({ key: { kind: "field", field }, descending });
  if (lower === "primary" || lower === "metric") return ok({ key: { kind: "primary" }, descending });
  const metric = name === "" ? null : resolveMetricName(name, loggedMetrics);
  if (metric?.success) {
    const { key, spellings } = metric.data;
    return ok({ key: { kind: "metric", name, canonical: key, spellings }, descending });
  }
  const suggestions = suggestMetricNames(name, loggedMetrics, SORT_KEYWORDS);
  return fail({ typed: text, suggestions: suggestions.map((key) => (descending ? `-${key}` : key)) });
}

/**
 * `--filter` text: `/regex/flags`, or a substring matched case-insensitively unless it has an upper-case letter.
 * Both look at path, experiment, architecture, framework and status; a regex matches when any one field does.
 */
export function parseEntryFilter(text: string): Result<EntryFilter, string> {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (regex === null) {
    return ok({ kind: "substring", text, caseSensitive: text !== text.toLowerCase() });
  }
  try {
    // `g`/`y` would make test() stateful across entries.
    return ok({ kind: "regex", regex: new RegExp(regex[1] ?? "", regex[2]?.replace(/[gy]/g, "")) });
  } catch (error) {
    return fail(
      `--filter ${text} is not a valid regular expression (${String(error)}); fix it or drop the slashes`,
    );
  }
}

/** The text a filter looks at, one field per line. */
export function filterHaystack(
  entry: Pick<CatalogEntry, "path" | "exp_name" | "architecture" | "framework" | "status">,
): string {
  return [entry.path, entry.exp_name, entry.architecture, entry.framework, entry.status]
    .filter((part) => part !== null)
    .join("\n");
}

export function matchesFilter(entry: Parameters<typeof filterHaystack>[0], filter: EntryFilter): boolean {
  const haystack = filterHaystack(entry);
  if (filter.kind === "regex") return haystack.split("\n").some((field) => filter.regex.test(field));
  return filter.caseSensitive
    ? haystack.includes(filter.text)
    : haystack.toLowerCase().includes(filter.text.toLowerCase());
}
