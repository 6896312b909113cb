import { formatMetricValue, MISSING_METRIC_TEXT } from "../metrics/format-metric.ts";
import { isCanonicalMetric, metricDefinition } from "../metrics/metric-catalog.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { displayString, secondaryMetrics } from "./display-string.ts";
import { formatAge, formatBytes } from "./human-units.ts";
import { metricSortKey } from "./metric-sort-key.ts";
import { metricValueOf } from "./metric-value.ts";

/**
 * How a column gives up width when the table is wider than the terminal: `path` cuts whole directories from the
 * middle, `middle` cuts the middle of a name, `end` its end, each marked `…`; never below `minWidth`. `weight`
 * scales its share of the room (a path gets twice a name's).
 */
export type ColumnShrink = {
  readonly style: "path" | "middle" | "end";
  readonly minWidth: number;
  readonly weight: number;
};

export type LsColumn = {
  readonly id: string;
  readonly header: string;
  readonly align: "left" | "right";
  readonly cell: (entry: CatalogEntry) => string;
  /** Absent: the column always shows its cells whole (numbers, status). */
  readonly shrink?: ColumnShrink;
  /**
   * Set on default columns only (never on ones the user named): when even shrunk columns do not fit, columns are
   * left out, lowest first. `--wide` or `--columns` brings them back.
   */
  readonly dropRank?: number;
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
  const shrinking = (column: LsColumn, shrink: ColumnShrink): LsColumn => ({ ...column, shrink });
  const cut = (style: ColumnShrink["style"], minWidth = 10): ColumnShrink => ({ style, minWidth, weight: 1 });
  return {
    experiment: shrinking(
      text("experiment", "experiment", (entry) => entry.exp_name),
      cut("middle", 14),
    ),
    architecture: shrinking(
      text("architecture", "arch", (entry) => entry.architecture),
      cut("end"),
    ),
    encoder: shrinking(
      text("encoder", "encoder", (entry) => entry.encoder),
      cut("end"),
    ),
    framework: text("framework", "framework", (entry) => entry.framework),
    task: text("task", "task", (entry) => entry.task),
    epoch: right(text("epoch", "epoch", (entry) => entry.epoch)),
    step: right(text("step", "step", (entry) => entry.global_step)),
    size: right(text("size", "size", (entry) => formatBytes(entry.size))),
    age: right(text("age", "age", (entry) => formatAge(context.now, entry.mtime_ms))),
    status: text("status", "status", (entry) => entry.status),
    sidecar: text("sidecar", "sidecar", (entry) => entry.sidecar),
    display: shrinking(
      text("display", "checkpoint", (entry) => displayString(entry)),
      cut("end", 24),
    ),
    path: shrinking(
      text("path", "path", (entry) => context.displayPath(entry.path)),
      { style: "path", minWidth: 24, weight: 2 },
    ),
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
 * metrics that any entry has (text detection: precision, recall), size, age, status, path. In a narrow terminal
 * age, step, size and architecture are left out, in that order.
 */
export function defaultLsColumns(entries: readonly CatalogEntry[], context: LsColumnContext): LsColumn[] {
  const fixed = fixedColumns(context);
  const primary = sharedPrimary(entries);
  const secondary = primary === null ? [] : secondaryMetrics(sharedTask(entries), primary);
  const present = secondary.filter((name) =>
    entries.some((entry) => metricValueOf(entry.metrics, name) !== null),
  );
  const metrics = primary === null ? [primaryColumn] : [primary, ...present].map(metricColumn);
  const droppable = (column: LsColumn, dropRank: number): LsColumn => ({ ...column, dropRank });
  const tail = [droppable(fixed.size, 2), droppable(fixed.age, 0), fixed.status, fixed.path];
  const head = [fixed.experiment, droppable(fixed.architecture, 3), fixed.epoch, droppable(fixed.step, 1)];
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
