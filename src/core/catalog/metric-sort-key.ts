import { canonicalMetricName } from "../metrics/metric-aliases.ts";

// A pure function of the name, asked for every entry of a run many times over (a 100k prune plan asks ~400k times
// for a handful of names): remembered per name, up to a bound, so a catalog of odd names cannot grow it for ever.
const KNOWN = new Map<string, string>();
const KNOWN_LIMIT = 4096;

/** The name entries are compared under: `val/hmean` and `cleval/hmean` both sort as `hmean`. */
export function metricSortKey(name: string): string {
  const known = KNOWN.get(name);
  if (known !== undefined) return known;
  const key = canonicalMetricName(name).canonical ?? name;
  if (KNOWN.size < KNOWN_LIMIT) KNOWN.set(name, key);
  return key;
}
