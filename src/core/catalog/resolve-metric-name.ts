import { canonicalMetricName, loggedNamesOf, metricAliasSpellings } from "../metrics/metric-aliases.ts";
import { allMetricDefinitions, type CanonicalMetric, isCanonicalMetric } from "../metrics/metric-catalog.ts";
import { fail, ok, type Result } from "../result.ts";
import { nearestNames } from "../suggestions/nearest-names.ts";

/** A metric as the catalog stores it: the canonical name when there is one, else the name as logged. */
export type ResolvedMetric = {
  readonly key: string;
  readonly canonical: CanonicalMetric | null;
  /** The catalog's logged names that stand for it, the winning one first (`metrics/mAP50-95(B)` for mAP50-95). */
  readonly spellings: readonly string[];
};

const CANONICAL_BY_LOWER = new Map<string, CanonicalMetric>(
  allMetricDefinitions().flatMap((definition) =>
    isCanonicalMetric(definition.name) ? [[definition.name.toLowerCase(), definition.name] as const] : [],
  ),
);

/**
 * The one place a metric name typed by a user (`--sort`, `--metric`, `--columns`) becomes the catalog's key:
 * canonical names and every framework spelling the alias table knows (`val/hmean`, `metrics/mAP50(B)`,
 * `eval_loss`, case-insensitive), else a name logged in the catalog (`logged`: primary names and
 * `additional_metrics` keys). A miss returns the nearest names to suggest.
 * @example resolveMetricName("val_loss", ["val/loss"])
 *   → ok({ key: "validation_loss", canonical: "validation_loss", spellings: ["val/loss"] })
 */
export function resolveMetricName(
  typed: string,
  logged: readonly string[],
): Result<ResolvedMetric, readonly string[]> {
  const found = lookUp(typed.trim(), logged);
  return found === null ? fail(suggestMetricNames(typed.trim(), logged)) : ok(found);
}

function lookUp(name: string, logged: readonly string[]): ResolvedMetric | null {
  const canonical = CANONICAL_BY_LOWER.get(name.toLowerCase()) ?? canonicalMetricName(name).canonical;
  if (canonical !== undefined && canonical !== null) {
    return { key: canonical, canonical, spellings: loggedNamesOf(canonical, logged) };
  }
  const exact = logged.find((candidate) => candidate === name);
  const found = exact ?? logged.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return found === undefined ? null : { key: found, canonical: null, spellings: [found] };
}

/**
 * The metric names nearest to `typed` (plus `extra` choices such as sort fields), one per catalog key: `val_los`
 * suggests `val_loss`, not also `validation_loss`.
 */
export function suggestMetricNames(
  typed: string,
  logged: readonly string[],
  extra: readonly string[] = [],
): string[] {
  // Only spellings that resolve: a bare `box_loss` names no split, so it is no metric.
  const spellings = metricAliasSpellings().filter((name) => lookUp(name, []) !== null);
  const candidates = [...extra, ...CANONICAL_BY_LOWER.values(), ...spellings, ...logged];
  const seen = new Set<string>();
  return nearestNames(typed, candidates, { limit: 8 })
    .filter((name) => {
      const key = lookUp(name, logged)?.key ?? name;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, 3);
}

/** Logged names that are no canonical metric nor an alias of one (`lr-AdamW`, `val/cer`), sorted. */
export function otherLoggedMetrics(logged: readonly string[]): string[] {
  const others = logged.filter(
    (name) => !isCanonicalMetric(name) && canonicalMetricName(name).canonical === null,
  );
  return [...new Set(others)].sort((a, b) => a.localeCompare(b));
}
