import { z } from "zod";

export const METRIC_FORMATS = ["percent", "float", "int"] as const;

/** How a value is displayed: `percent` values are fractions in [0, 1] unless stated otherwise. */
export const MetricFormat = z.enum(METRIC_FORMATS);
export type MetricFormat = z.infer<typeof MetricFormat>;

/** Display and ranking facts for one canonical metric; snake_case because it is written into sidecars. */
export const MetricDefinition = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  format: MetricFormat,
  higher_is_better: z.boolean(),
  description: z.string(),
});
export type MetricDefinition = z.infer<typeof MetricDefinition>;
