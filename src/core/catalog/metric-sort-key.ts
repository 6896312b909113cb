import { canonicalMetricName } from "../metrics/metric-aliases.ts";

// A pure function of the name, asked for every entry of a run many times over (a 100k prune plan asks ~400k times
// for a handful of names): remembered per name, up to a bound, so a catalog of odd names cannot grow it for ever.
const KNOWN = new Map<string, string>();
const KNOWN_LIMIT = 4096;
let last: { readonly name: string | null; readonly key: string } = { name: null, key: "" };

/** The name entries are compared under: `val/hmean` and `cleval/hmean` both sort as `hmean`. */
export function metricSortKey(name: string): string {
  // A run's checkpoints share their metric's name: the last one asked is a comparison away, not a hash lookup.
  if (name === last.name) return last.key;
  const known = KNOWN.get(name);
  const key = known ?? canonicalMetricName(name).canonical ?? name;
  if (known === undefined && KNOWN.size < KNOWN_LIMIT) KNOWN.set(name, key);
  last = { name, key };
  return key;
}
