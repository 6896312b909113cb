import { formatMetricValue, MISSING_METRIC_TEXT } from "../metrics/format-metric.ts";
import { isCanonicalMetric, metricDefinition } from "../metrics/metric-catalog.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { displayString } from "./display-string.ts";
import { formatAge, formatBytes } from "./human-units.ts";
import { metricSortKey } from "./metric-sort-key.ts";
import { metricValueOf } from "./metric-value.ts";
import { taskShownMetrics } from "./task-shown-metrics.ts";

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
    host: shrinking(
      text("host", "host", (entry) => entry.host ?? null),
      cut("end"),
    ),
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

/** Whether some entry has a value for the metric (its primary value, or its metrics block's). */
function anyHas(entries: readonly CatalogEntry[], name: string): boolean {
  return entries.some(
    (entry) =>
      (entry.primary_metric !== null && metricSortKey(entry.primary_metric.name) === name) ||
      metricValueOf(entry.metrics, name) !== null,
  );
}

/**
 * The metric columns of entries of one task: the primary metric they share (else one `metric` column naming each
 * entry's), then the task's other shown metrics (`taskShownMetrics`) that any entry has. In a narrow terminal the
 * losses are left out first (before age), the other metrics after the architecture.
 */
function metricColumns(entries: readonly CatalogEntry[]): LsColumn[] {
  const primary = sharedPrimary(entries);
  const task = sharedTask(entries);
  const first = primary === null ? primaryColumn : metricColumn(primary);
  if (task === null) return [first];
  const others = taskShownMetrics(task).filter((name) => name !== primary && anyHas(entries, name));
  const losses = others.filter((name) => name.includes("loss"));
  const quality = others.filter((name) => !name.includes("loss"));
  return [
    first,
    ...quality.map((name, index) => ({ ...metricColumn(name), dropRank: 4 + quality.length - index })),
    ...losses.map((name, index) => ({ ...metricColumn(name), dropRank: index - losses.length })),
  ];
}

/**
 * `ls` columns for entries of one task: experiment, architecture, epoch, step, the task's metrics (primary first,
 * see `metricColumns`), size, age, status, path. In a narrow terminal losses, age, step, size, architecture and
 * the other metrics are left out, in that order. Entries of several tasks get one `metric` column: `lsSections`
 * splits them by task first.
 */
export function defaultLsColumns(entries: readonly CatalogEntry[], context: LsColumnContext): LsColumn[] {
  const fixed = fixedColumns(context);
  const droppable = (column: LsColumn, dropRank: number): LsColumn => ({ ...column, dropRank });
  // A shared catalog's entries say which host's disk holds them; the local catalog's are all this host's.
  const hosts = entries.some((entry) => entry.host !== undefined) ? [fixed.host] : [];
  const tail = [droppable(fixed.size, 2), droppable(fixed.age, 0), fixed.status, ...hosts, fixed.path];
  const head = [fixed.experiment, droppable(fixed.architecture, 3), fixed.epoch, droppable(fixed.step, 1)];
  return [...head, ...metricColumns(entries), ...tail];
}

/** Entries of one task, in the order given: one table of `ls`. */
export type LsSection = { readonly task: string | null; readonly entries: readonly CatalogEntry[] };

/**
 * Entries split by task, each task in the order it first appears and its entries in the order given (the sort):
 * every task's table shows that task's metrics, and no column puts one task's metric beside another's.
 */
export function lsSections(entries: readonly CatalogEntry[]): LsSection[] {
  const byTask = new Map<string | null, CatalogEntry[]>();
  for (const entry of entries) {
    const own = byTask.get(entry.task);
    if (own === undefined) byTask.set(entry.task, [entry]);
    else own.push(entry);
  }
  return [...byTask].map(([task, list]) => ({ task, entries: list }));
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
