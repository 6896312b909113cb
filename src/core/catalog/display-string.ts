import { formatMetricPiece } from "../metrics/format-metric.ts";
import { TASK_METRICS } from "../metrics/metric-catalog.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { metricSortKey } from "./metric-sort-key.ts";
import { metricValueOf } from "./metric-value.ts";

type DisplayFields = Pick<
  CatalogEntry,
  | "path"
  | "architecture"
  | "encoder"
  | "exp_name"
  | "epoch"
  | "task"
  | "primary_metric"
  | "metrics"
  | "created_at"
>;

/** Metrics shown after the primary: the task's standard quality metrics (not losses), else precision and recall. */
export function secondaryMetrics(task: string | null, primary: string | null): string[] {
  // Not TaskType.safeParse: that would load zod on `ls`'s start-up path.
  const known =
    task !== null && Object.hasOwn(TASK_METRICS, task)
      ? Object.entries(TASK_METRICS).find(([name]) => name === task)
      : undefined;
  const names: readonly string[] = known === undefined ? ["precision", "recall"] : known[1].standard;
  return names.filter((name) => name !== primary && !name.includes("loss")).slice(0, 2);
}

/** `2025-10-18T14:32:15` → `20251018_1432`, as the seed prints it; null when the text is not a timestamp. */
export function compactTimestamp(iso: string | null): string | null {
  const match = iso === null ? null : /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(iso);
  if (match === null) return null;
  return `${match[1]}${match[2]}${match[3]}_${match[4]}${match[5]}`;
}

function metricPieces(entry: DisplayFields): string[] {
  const primary = entry.primary_metric;
  const primaryName = primary === null ? null : metricSortKey(primary.name);
  const pieces =
    primary === null ? [] : [formatMetricPiece({ name: primaryName ?? primary.name, value: primary.value })];
  for (const name of secondaryMetrics(entry.task, primaryName)) {
    const value = metricValueOf(entry.metrics, name);
    if (value !== null) pieces.push(formatMetricPiece({ name, value }));
  }
  return pieces;
}

/**
 * The seed's one-line label: `dbnet · resnet50 · exp (ep10 • hmean 0.843 • prec 0.854 • rec 0.832 • 20251018_1432)`.
 * Unknown parts are left out; without an experiment name the file name stands in.
 */
export function displayString(entry: DisplayFields): string {
  const name = entry.exp_name ?? entry.path.slice(entry.path.lastIndexOf("/") + 1);
  const head = [entry.architecture, entry.encoder, name].filter((part) => part !== null).join(" · ");
  const stamp = compactTimestamp(entry.created_at);
  const pieces = [
    ...(entry.epoch === null ? [] : [`ep${entry.epoch}`]),
    ...metricPieces(entry),
    ...(stamp === null ? [] : [stamp]),
  ];
  return pieces.length === 0 ? head : `${head} (${pieces.join(" • ")})`;
}
