import type { MetricsInfo } from "../metadata/metadata-schema.ts";

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

/** A metric's value from a V1 metrics block: its own field, else `additional_metrics`; null when not logged. */
export function metricValueOf(metrics: MetricsInfo | null, name: string): number | null {
  if (metrics === null) return null;
  const own = ownField(metrics, name);
  if (typeof own === "number") return own;
  const extra = metrics.additional_metrics?.[name];
  return typeof extra === "number" ? extra : null;
}
