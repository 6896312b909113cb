import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { formatAge } from "../core/catalog/human-units.ts";
import { defaultLsColumns, type LsColumn, namedLsColumns } from "../core/catalog/ls-columns.ts";
import { metricSortKey } from "../core/catalog/metric-sort-key.ts";
import { marksFor, rowStatus, STATUS_GLYPHS } from "./status-glyphs.ts";
import type { DisplayRow, RunGroup } from "./table-rows.ts";
import type { SortColumn } from "./ui-state.ts";

/** A run of text in one style; a row is one `<Text>` made of these. */
export type Segment = {
  /** Stable within a row: the React key. */
  readonly id: string;
  readonly text: string;
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
};

export type TuiColumn = {
  readonly id: string;
  readonly header: string;
  readonly align: "left" | "right";
  readonly width: number;
  readonly cell: (entry: CatalogEntry, now: number) => string;
};

/** Column widths are fixed per data change and terminal width, never per frame or per scroll position. */
export type TableLayout = {
  readonly columns: readonly TuiColumn[];
  readonly nameWidth: number;
  readonly ascii: boolean;
};

const GAP = "  ";
/** cursor, mark, best, status glyph, space: the cursor shows even without colour (NO_COLOR drops inverse). */
const PREFIX_WIDTH = 5;
const MIN_NAME_WIDTH = 24;
/** Dropped in this order when the terminal is too narrow. */
const DROP_ORDER = ["experiment", "step", "age", "architecture", "size"];
const FIXED_WIDTHS: Readonly<Record<string, number>> = { epoch: 5, step: 6, size: 8, age: 4 };
const CAPS: Readonly<Record<string, number>> = { experiment: 16, architecture: 12 };

/** Pads or cuts to exactly `width` characters; cut text ends (or, `keepEnd`, starts) with an ellipsis. */
export function fit(
  text: string,
  width: number,
  options: { align?: "left" | "right"; keepEnd?: boolean } = {},
): string {
  const chars = [...text];
  if (width <= 0) return "";
  if (chars.length > width) {
    return options.keepEnd
      ? `…${chars.slice(chars.length - width + 1).join("")}`
      : `${chars.slice(0, width - 1).join("")}…`;
  }
  const pad = " ".repeat(width - chars.length);
  return options.align === "right" ? pad + text : text + pad;
}

function longest(entries: readonly CatalogEntry[], field: "exp_name" | "architecture"): number {
  let max = 1;
  for (const entry of entries) max = Math.max(max, entry[field]?.length ?? 1);
  return max;
}

/** The mixed-task `metric` column holds `name value`: as wide as the longest primary name needs. */
function metricWidth(entries: readonly CatalogEntry[]): number {
  const names = new Set<string>();
  for (const entry of entries)
    if (entry.primary_metric !== null) names.add(metricSortKey(entry.primary_metric.name));
  return Math.min(24, Math.max(8, ...[...names].map((name) => name.length + 8)));
}

function widthOf(column: LsColumn, entries: readonly CatalogEntry[]): number {
  if (column.id === "metric") return metricWidth(entries);
  const fixed = FIXED_WIDTHS[column.id];
  if (fixed !== undefined) return Math.max(fixed, column.header.length + 1);
  if (column.id === "experiment" || column.id === "architecture") {
    return Math.max(
      column.header.length,
      Math.min(
        CAPS[column.id] ?? 12,
        longest(entries, column.id === "experiment" ? "exp_name" : "architecture"),
      ),
    );
  }
  return Math.max(column.header.length + 1, 7);
}

function toTuiColumn(column: LsColumn, entries: readonly CatalogEntry[]): TuiColumn {
  const cell =
    column.id === "age"
      ? (entry: CatalogEntry, now: number) => formatAge(now, entry.mtime_ms)
      : (entry: CatalogEntry) => column.cell(entry);
  return { id: column.id, header: column.header, align: column.align, width: widthOf(column, entries), cell };
}

/** What of an entry decides the columns and their widths (besides the name lengths): metric names and task. */
function layoutSignature(entry: CatalogEntry): string {
  const metrics = entry.metrics ?? {};
  const own = Object.entries(metrics).flatMap(([name, value]) => (typeof value === "number" ? [name] : []));
  const extra = Object.keys(metrics.additional_metrics ?? {});
  return `${entry.primary_metric?.name ?? ""}\n${entry.task ?? ""}\n${own.join(",")}\n${extra.join(",")}`;
}

function longestOf(entries: readonly CatalogEntry[], field: "exp_name" | "architecture") {
  let best: CatalogEntry | undefined;
  for (const entry of entries) if ((entry[field]?.length ?? 0) > (best?.[field]?.length ?? 0)) best = entry;
  return best === undefined ? [] : [best];
}

/** A few entries of one run that `tableLayout` gives the same columns and widths for as for all of them. */
function runSample(group: RunGroup): readonly CatalogEntry[] {
  const bySignature = new Map<string, CatalogEntry>();
  for (const entry of group.entries) {
    const signature = layoutSignature(entry);
    if (!bySignature.has(signature)) bySignature.set(signature, entry);
  }
  return [
    ...bySignature.values(),
    ...longestOf(group.entries, "exp_name"),
    ...longestOf(group.entries, "architecture"),
  ];
}

export type LayoutSampleCache = WeakMap<RunGroup, readonly CatalogEntry[]>;

/**
 * The entries to lay the table out from: per run, one per metric/task signature plus the longest names, kept
 * per run object, so a data change costs only the runs it touched instead of a pass over 100k rows.
 */
export function layoutSample(groups: readonly RunGroup[], cache: LayoutSampleCache): CatalogEntry[] {
  const sample: CatalogEntry[] = [];
  for (const group of groups) {
    let entries = cache.get(group);
    if (entries === undefined) {
      entries = runSample(group);
      cache.set(group, entries);
    }
    for (const entry of entries) sample.push(entry);
  }
  return sample;
}

/** The `ckpt ls` columns (the task's standard metrics included), fitted to the terminal width. */
export function tableLayout(
  entries: readonly CatalogEntry[],
  options: { width: number; ascii: boolean },
): TableLayout {
  const ls = defaultLsColumns(entries, { now: 0, displayPath: (path) => path });
  let columns = ls
    .filter((column) => column.id !== "status" && column.id !== "path")
    .map((column) => toTuiColumn(column, entries));
  const used = () => PREFIX_WIDTH + columns.reduce((sum, column) => sum + column.width + GAP.length, 0);
  for (const id of DROP_ORDER) {
    if (options.width - used() >= MIN_NAME_WIDTH) break;
    columns = columns.filter((column) => column.id !== id);
  }
  return { columns, nameWidth: Math.max(8, options.width - used()), ascii: options.ascii };
}

function sortedColumnId(layout: TableLayout, sort: SortColumn): string {
  if (sort !== "metric") return sort;
  const fixed = new Set(["experiment", "architecture", "epoch", "step", "size", "age"]);
  return layout.columns.find((column) => !fixed.has(column.id))?.id ?? "metric";
}

export function headerText(layout: TableLayout, sort: { column: SortColumn; descending: boolean }): string {
  const marks = marksFor(layout.ascii);
  const arrow = sort.descending ? marks.descending : marks.ascending;
  const sorted = sortedColumnId(layout, sort.column);
  const label = (id: string, header: string) => (id === sorted ? `${header}${arrow}` : header);
  const cells = layout.columns.map((column) =>
    fit(label(column.id, column.header), column.width, { align: column.align }),
  );
  return (
    " ".repeat(PREFIX_WIDTH) + [...cells, fit(label("checkpoint", "checkpoint"), layout.nameWidth)].join(GAP)
  );
}

function nameInRun(entry: CatalogEntry, runDir: string): string {
  return entry.path.startsWith(`${runDir}/`) ? entry.path.slice(runDir.length + 1) : entry.path;
}

export type EntryRowState = { readonly now: number; readonly marked: boolean; readonly selected: boolean };

export function entrySegments(
  row: Extract<DisplayRow, { kind: "entry" }>,
  layout: TableLayout,
  state: EntryRowState,
): Segment[] {
  const marks = marksFor(layout.ascii);
  const glyph = STATUS_GLYPHS[rowStatus(row.entry)];
  const cells = layout.columns.map((column) =>
    fit(column.cell(row.entry, state.now), column.width, { align: column.align }),
  );
  const name = fit(nameInRun(row.entry, row.runDir), layout.nameWidth, { keepEnd: true });
  return [
    { id: "cursor", text: state.selected ? marks.cursor : " ", bold: true },
    { id: "mark", text: state.marked ? marks.marked : " ", color: "cyan" },
    { id: "best", text: row.best ? marks.best : " ", color: "yellow" },
    { id: "status", text: layout.ascii ? glyph.ascii : glyph.unicode, color: glyph.color },
    { id: "gap2", text: " " },
    { id: "cells", text: [...cells, name].join(GAP) },
  ];
}

export function runSegments(
  row: Extract<DisplayRow, { kind: "run" }>,
  layout: TableLayout,
  options: { readonly displayPath: (path: string) => string; readonly selected: boolean },
): Segment[] {
  const { displayPath } = options;
  const marks = marksFor(layout.ascii);
  const best = row.group.entries.find((entry) => entry.path === row.group.bestPath);
  const [primary] = namedLsColumns(["metric"], { now: 0, displayPath });
  const count =
    row.shown === row.group.entries.length ? `${row.shown}` : `${row.shown}/${row.group.entries.length}`;
  const bestText = best === undefined || primary === undefined ? "" : `  best ${primary.cell(best)}`;
  return [
    { id: "cursor", text: options.selected ? marks.cursor : " ", bold: true },
    { id: "toggle", text: `${row.collapsed ? marks.collapsed : marks.expanded} ` },
    { id: "label", text: row.group.label, bold: true },
    { id: "dir", text: `  ${displayPath(row.group.dir)}`, dim: true },
    { id: "count", text: `  ${count} checkpoint${row.group.entries.length === 1 ? "" : "s"}${bestText}` },
  ];
}
