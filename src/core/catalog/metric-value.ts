import type { MetricsInfo } from "../metadata/metadata-schema.ts";
import { pickLoggedName } from "../metrics/metric-aliases.ts";
import { isCanonicalMetric } from "../metrics/metric-catalog.ts";

function ownField(metrics: MetricsInfo, name: string): number | null | undefined {
  switch (name) {
    case "precision":
      return metrics.precision;
    case "recall":
      return metrics.recall;
    case "hmean":
      return metrics.hmean;
    case "validation_loss":
      return metrics.validation_loss;
    default:
      return undefined;
  }
}

/**
 * A metric's value from a V1 metrics block: its own field, else `additional_metrics` under that name, else (for a
 * canonical name) under the logged name that stands for it (`mAP50-95` ← `metrics/mAP50-95(B)`); null when not
 * logged.
 */
export function metricValueOf(metrics: MetricsInfo | null, name: string): number | null {
  if (metrics === null) return null;
  const own = ownField(metrics, name);
  if (typeof own === "number") return own;
  const additional = metrics.additional_metrics ?? {};
  const logged =
    Object.hasOwn(additional, name) || !isCanonicalMetric(name)
      ? name
      : pickLoggedName(name, Object.keys(additional));
  const value = logged === null ? undefined : additional[logged];
  return typeof value === "number" ? value : null;
}
