import { canonicalMetricName } from "../metrics/metric-aliases.ts";

/** The name entries are compared under: `val/hmean` and `cleval/hmean` both sort as `hmean`. */
export function metricSortKey(name: string): string {
  return canonicalMetricName(name).canonical ?? name;
}
