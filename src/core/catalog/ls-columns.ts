import { formatMetricValue, MISSING_METRIC_TEXT } from "../metrics/format-metric.ts";
import { isCanonicalMetric, metricDefinition } from "../metrics/metric-catalog.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { displayString, secondaryMetrics } from "./display-string.ts";
import { formatAge, formatBytes } from "./human-units.ts";
import { metricSortKey } from "./metric-sort-key.ts";
import { metricValueOf } from "./metric-value.ts";

export type LsColumn = {
  readonly id: string;
  readonly header: string;
  readonly align: "left" | "right";
  readonly cell: (entry: CatalogEntry) => string;
};

export type LsColumnContext = {
  readonly now: number;
  /** Shows a path as the user should see it (relative to the working directory). */
  readonly displayPath: (path: string) => string;
};

const dash = MISSING_METRIC_TEXT;

function metricText(name: string, value: number | null): string {
  return isCanonicalMetric(name)
    ? formatMetricValue(value, metricDefinition(name))
    : (value?.toPrecision(4) ?? dash);
}

function metricColumn(name: string): LsColumn {
  const header = isCanonicalMetric(name) ? metricDefinition(name).label.toLowerCase() : name;
  return {
    id: name,
    header,
    align: "right",
    cell: (entry) => {
      const primary = entry.primary_metric;
      const value =
        primary !== null && metricSortKey(primary.name) === name
          ? primary.value
          : metricValueOf(entry.metrics, name);
      return metricText(name, value);
    },
  };
}

const primaryColumn: LsColumn = {
  id: "metric",
  header: "metric",
  align: "right",
  cell: (entry) => {
    const primary = entry.primary_metric;
    if (primary === null) return dash;
    const name = metricSortKey(primary.name);
    return `${name} ${metricText(name, primary.value)}`;
  },
};

function fixedColumns(context: LsColumnContext) {
  const text = (
    id: string,
    header: string,
    cell: (entry: CatalogEntry) => string | number | null,
  ): LsColumn => ({
    id,
    header,
    align: "left",
    cell: (entry) => String(cell(entry) ?? dash),
  });
  const right = (column: LsColumn): LsColumn => ({ ...column, align: "right" });
  return {
    experiment: text("experiment", "experiment", (entry) => entry.exp_name),
    architecture: text("architecture", "arch", (entry) => entry.architecture),
    encoder: text("encoder", "encoder", (entry) => entry.encoder),
    framework: text("framework", "framework", (entry) => entry.framework),
    task: text("task", "task", (entry) => entry.task),
    epoch: right(text("epoch", "epoch", (entry) => entry.epoch)),
    step: right(text("step", "step", (entry) => entry.global_step)),
    size: right(text("size", "size", (entry) => formatBytes(entry.size))),
    age: right(text("age", "age", (entry) => formatAge(context.now, entry.mtime_ms))),
    status: text("status", "status", (entry) => entry.status),
    sidecar: text("sidecar", "sidecar", (entry) => entry.sidecar),
    display: text("display", "checkpoint", (entry) => displayString(entry)),
    path: text("path", "path", (entry) => context.displayPath(entry.path)),
  };
}

/** The one primary metric every entry shares, or null when they differ (then one `metric` column names each). */
function sharedPrimary(entries: readonly CatalogEntry[]): string | null {
  const names = new Set(
    entries.map((entry) => (entry.primary_metric ? metricSortKey(entry.primary_metric.name) : null)),
  );
  names.delete(null);
  const [only] = names;
  return names.size === 1 && only !== undefined && only !== null ? only : null;
}

function sharedTask(entries: readonly CatalogEntry[]): string | null {
  const tasks = new Set(entries.map((entry) => entry.task));
  const [only] = tasks;
  return tasks.size === 1 && only !== undefined ? only : null;
}

/**
 * `ls` columns: experiment, architecture, epoch, step, the primary metric, the task's other standard quality
 * metrics that any entry has (text detection: precision, recall), size, age, status, path.
 */
export function defaultLsColumns(entries: readonly CatalogEntry[], context: LsColumnContext): LsColumn[] {
  const fixed = fixedColumns(context);
  const primary = sharedPrimary(entries);
  const secondary = primary === null ? [] : secondaryMetrics(sharedTask(entries), primary);
  const present = secondary.filter((name) =>
    entries.some((entry) => metricValueOf(entry.metrics, name) !== null),
  );
  const metrics = primary === null ? [primaryColumn] : [primary, ...present].map(metricColumn);
  const tail = [fixed.size, fixed.age, fixed.status, fixed.path];
  const head = [fixed.experiment, fixed.architecture, fixed.epoch, fixed.step];
  return [...head, ...metrics, ...tail];
}

/** Columns by id (`--columns path,display,hmean`); metric names become metric columns. */
export function namedLsColumns(ids: readonly string[], context: LsColumnContext): LsColumn[] {
  const fixed = new Map<string, LsColumn>(Object.entries(fixedColumns(context)));
  return ids.map(
    (id) => fixed.get(id) ?? (id === "metric" ? primaryColumn : metricColumn(metricSortKey(id))),
  );
}

/** Column ids `--columns` accepts besides metric names. */
export const LS_COLUMN_IDS = Object.keys(fixedColumns({ now: 0, displayPath: (path) => path })).concat(
  "metric",
);

/** A plain aligned table: two spaces between columns, header first. */
export function renderLsTable(entries: readonly CatalogEntry[], columns: readonly LsColumn[]): string {
  const rows = [
    columns.map((column) => column.header),
    ...entries.map((entry) => columns.map((c) => c.cell(entry))),
  ];
  const widths = columns.map((_, index) => Math.max(...rows.map((row) => [...(row[index] ?? "")].length)));
  const lines = rows.map((row) =>
    row
      .map((cell, index) => {
        const pad = " ".repeat((widths[index] ?? 0) - [...cell].length);
        return columns[index]?.align === "right" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}
