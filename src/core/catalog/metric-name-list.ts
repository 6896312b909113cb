import { allMetricDefinitions } from "../metrics/metric-catalog.ts";
import { escapeControl } from "../text/escape-control.ts";
import { otherLoggedMetrics } from "./resolve-metric-name.ts";

/**
 * The metric names `--sort`, `--metric` and `--columns` accept, for `… help`: every canonical metric with its
 * direction and meaning, then the other names logged in this catalog.
 */
export function renderMetricNameList(loggedMetrics: readonly string[]): string {
  const definitions = allMetricDefinitions();
  const width = Math.max(...definitions.map((definition) => definition.name.length));
  const canonical = definitions.map(
    (definition) =>
      `  ${definition.name.padEnd(width)}  ${definition.higher_is_better ? "↑" : "↓"}  ${definition.description}`,
  );
  const others = otherLoggedMetrics(loggedMetrics);
  return [
    "Metrics (↑ higher is better, ↓ lower; framework spellings such as val/hmean, metrics/mAP50(B),",
    "eval_loss or top1 name the same metric, in any case):",
    ...canonical,
    ...(others.length === 0
      ? []
      : ["", "Also logged in this catalog:", ...others.map((name) => `  ${escapeControl(name)}`)]),
    "",
  ].join("\n");
}
