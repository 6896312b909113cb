import { fail, ok, type Result } from "../result.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { metricSortKey } from "./metric-sort-key.ts";

export const SORT_FIELDS = ["path", "epoch", "step", "mtime", "size"] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export type SortKey =
  | { readonly kind: "field"; readonly field: SortField }
  /** `canonical` is the canonical metric name, or the name as given when it is not a known metric. */
  | { readonly kind: "metric"; readonly name: string; readonly canonical: string }
  | { readonly kind: "primary" };

export type SortSpec = { readonly key: SortKey; readonly descending: boolean };

export type EntryFilter =
  | { readonly kind: "substring"; readonly text: string; readonly caseSensitive: boolean }
  | { readonly kind: "regex"; readonly regex: RegExp };

/**
 * `--sort` text: `epoch`, `step`, `mtime`, `size`, `path`, `primary`, or a metric name (`hmean`, `val/hmean`,
 * `mAP50`); a leading `-` sorts descending. Entries without the value always come last.
 */
export function parseSortSpec(text: string): Result<SortSpec, string> {
  const descending = text.startsWith("-");
  const name = (descending ? text.slice(1) : text).trim();
  if (name === "")
    return fail("--sort needs a key: epoch, step, mtime, size, path, primary or a metric name");
  const field = SORT_FIELDS.find((candidate) => candidate === name);
  if (field !== undefined) return ok({ key: { kind: "field", field }, descending });
  if (name === "primary" || name === "metric") return ok({ key: { kind: "primary" }, descending });
  return ok({ key: { kind: "metric", name, canonical: metricSortKey(name) }, descending });
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
