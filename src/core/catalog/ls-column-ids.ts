import { fail, ok, type Result } from "../result.ts";
import type { UnknownName } from "../suggestions/nearest-names.ts";
import { LS_COLUMN_IDS } from "./ls-columns.ts";
import { resolveMetricName, suggestMetricNames } from "./resolve-metric-name.ts";

/**
 * `--columns` text (`path,display,hmean`) as column ids: the fixed ids (any case), `metric` for the primary metric,
 * and metric names resolved to the catalog's keys (`val/hmean` → `hmean`). The first unknown name is an error
 * with the nearest ids and metric names.
 */
export function resolveLsColumnIds(
  text: string,
  loggedMetrics: readonly string[],
): Result<string[], UnknownName> {
  const typed = text
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (typed.length === 0) return fail({ typed: text, suggestions: [] });
  const ids: string[] = [];
  for (const id of typed) {
    const fixed = LS_COLUMN_IDS.find((candidate) => candidate === id.toLowerCase());
    const metric = fixed === undefined ? resolveMetricName(id, loggedMetrics) : null;
    if (fixed !== undefined) ids.push(fixed);
    else if (metric?.success) ids.push(metric.data.key);
    else return fail({ typed: id, suggestions: suggestMetricNames(id, loggedMetrics, LS_COLUMN_IDS) });
  }
  return ok(ids);
}
