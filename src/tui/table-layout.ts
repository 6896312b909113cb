import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { formatAge } from "../core/catalog/human-units.ts";
import { defaultLsColumns, type LsColumn } from "../core/catalog/ls-columns.ts";
import { metricSortKey } from "../core/catalog/metric-sort-key.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { metricCell, primaryMetricText } from "./metric-text.ts";
import type { DisplayRow, RunGroup } from "./table-rows.ts";

export type EntryRow = Extract<DisplayRow, { kind: "entry" }>;

export type TuiColumn = {
  readonly id: string;
  readonly header: string;
  readonly align: "left" | "right";
  readonly width: number;
  readonly cell: (row: EntryRow, now: number) => string;
};

/** Column widths are fixed per data change and terminal width, never per frame or per scroll position. */
export type TableLayout = {
  readonly columns: readonly TuiColumn[];
  readonly nameWidth: number;
  readonly ascii: boolean;
};

export const GAP = "  ";
/** cursor, mark, best, status glyph, space: the cursor shows even without colour (NO_COLOR drops inverse). */
export const PREFIX_WIDTH = 5;
/** What the checkpoint name keeps at least before columns are dropped. */
const MIN_NAME_WIDTH = 24;
/** Dropped in this order when the terminal is too narrow. */
const DROP_ORDER = ["experiment", "step", "age", "architecture", "size"];
const FIXED_WIDTHS: Readonly<Record<string, number>> = { epoch: 5, step: 6, size: 8, age: 4 };
/** Text columns share the room left with the checkpoint name by need; below these widths they are dropped. */
const MIN_TEXT_WIDTHS: Readonly<Record<string, number>> = { experiment: 16, architecture: 12 };
export const NOT_METRICS: ReadonlySet<string> = new Set([
  "experiment",
  "architecture",
  "epoch",
  "step",
  "size",
  "age",
]);

/** Width as `fit` (table-row-segments.ts) shows the text. */
const length = (text: string | null | undefined) =>
  text === null || text === undefined ? 0 : [...escapeControl(text)].length;

/** A checkpoint's name under its run's header. */
export function nameInRun(path: string, runDir: string): string {
  return path.startsWith(`${runDir}/`) ? path.slice(runDir.length + 1) : path;
}

/** The experiment a row shows: none when its run header already names it (or it is unknown). */
function ownExperiment(entry: CatalogEntry, runLabel: string): string {
  return entry.exp_name === null || entry.exp_name === runLabel ? "" : entry.exp_name;
}

/** The mixed-task `metric` column holds `name value`: as wide as the longest primary name needs. */
function metricWidth(entries: readonly CatalogEntry[]): number {
  const names = new Set<string>();
  for (const entry of entries)
    if (entry.primary_metric !== null) names.add(metricSortKey(entry.primary_metric.name));
  return Math.min(24, Math.max(8, ...[...names].map((name) => name.length + 8)));
}

/** The entries and text widths a layout needs, from a sample of each run (see `layoutSample`). */
export type LayoutSample = {
  readonly entries: readonly CatalogEntry[];
  /** The longest experiment name a row shows (0: every row's run header names it). */
  readonly experimentWidth: number;
  readonly architectureWidth: number;
  /** The longest checkpoint name under its run header. */
  readonly nameWidth: number;
};

/** Width a column needs for its header and cells. */
function needOf(column: LsColumn, sample: LayoutSample): number {
  if (column.id === "metric") return metricWidth(sample.entries);
  const fixed = FIXED_WIDTHS[column.id];
  if (fixed !== undefined) return Math.max(fixed, column.header.length + 1);
  if (column.id === "experiment") return Math.max(column.header.length, sample.experimentWidth);
  if (column.id === "architecture") return Math.max(column.header.length, sample.architectureWidth);
  return Math.max(column.header.length + 1, 7);
}

function cellOf(column: LsColumn): TuiColumn["cell"] {
  if (column.id === "age") return (row, now) => formatAge(now, row.entry.mtime_ms);
  if (column.id === "experiment") return (row) => ownExperiment(row.entry, row.runLabel);
  if (column.id === "metric") return (row) => primaryMetricText(row.entry);
  if (!NOT_METRICS.has(column.id)) {
    const cell = metricCell(column.id);
    return (row) => cell(row.entry);
  }
  return (row) => column.cell(row.entry);
}

/** What of an entry decides the columns and their widths (besides the name lengths): metric names and task. */
function layoutSignature(entry: CatalogEntry): string {
  const metrics = entry.metrics ?? {};
  const own = Object.entries(metrics).flatMap(([name, value]) => (typeof value === "number" ? [name] : []));
  const extra = Object.keys(metrics.additional_metrics ?? {});
  return `${entry.primary_metric?.name ?? ""}\n${entry.task ?? ""}\n${own.join(",")}\n${extra.join(",")}`;
}

/** One run's sample: an entry per metric/task signature, and the widths of its longest names. */
function runSample(group: RunGroup): LayoutSample {
  const bySignature = new Map<string, CatalogEntry>();
  let experimentWidth = 0;
  let architectureWidth = 0;
  let nameWidth = 0;
  for (const entry of group.entries) {
    const signature = layoutSignature(entry);
    if (!bySignature.has(signature)) bySignature.set(signature, entry);
    experimentWidth = Math.max(experimentWidth, length(ownExperiment(entry, group.label)));
    architectureWidth = Math.max(architectureWidth, length(entry.architecture ?? "—"));
    nameWidth = Math.max(nameWidth, length(nameInRun(entry.path, group.dir)));
  }
  return { entries: [...bySignature.values()], experimentWidth, architectureWidth, nameWidth };
}

export type LayoutSampleCache = WeakMap<RunGroup, LayoutSample>;

/**
 * What to lay the table out from: per run, one entry per metric/task signature and its longest names, kept per
 * run object, so a data change costs only the runs it touched instead of a pass over 100k rows.
 */
export function layoutSample(
  groups: readonly RunGroup[],
  cache: LayoutSampleCache = new WeakMap(),
): LayoutSample {
  const entries: CatalogEntry[] = [];
  let [experimentWidth, architectureWidth, nameWidth] = [0, 0, 0];
  for (const group of groups) {
    let sample = cache.get(group);
    if (sample === undefined) {
      sample = runSample(group);
      cache.set(group, sample);
    }
    for (const entry of sample.entries) entries.push(entry);
    experimentWidth = Math.max(experimentWidth, sample.experimentWidth);
    architectureWidth = Math.max(architectureWidth, sample.architectureWidth);
    nameWidth = Math.max(nameWidth, sample.nameWidth);
  }
  return { entries, experimentWidth, architectureWidth, nameWidth };
}

type Sized = { readonly column: LsColumn; readonly need: number; readonly min: number };

/**
 * The room left after fixed columns and gaps, shared by the text columns and the checkpoint name: each gets what
 * it needs when all fit (the name takes the rest), else its minimum plus a share of the rest in proportion to
 * what it still lacks.
 */
function shareRoom(room: number, texts: readonly { need: number; min: number }[]): number[] {
  const needed = texts.reduce((sum, text) => sum + text.need, 0);
  if (needed <= room) return texts.map((text) => text.need);
  const spare = room - texts.reduce((sum, text) => sum + text.min, 0);
  if (spare <= 0) return texts.map((text) => text.min);
  const lacking = texts.reduce((sum, text) => sum + (text.need - text.min), 0);
  return texts.map((text) =>
    lacking === 0 ? text.min : text.min + Math.floor((spare * (text.need - text.min)) / lacking),
  );
}

/** What goes first when the terminal is narrow: `ls`'s losses, then `DROP_ORDER`, then the task's other metrics. */
function dropOrder(columns: readonly LsColumn[]): string[] {
  const ranked = (keep: (rank: number) => boolean) =>
    columns
      .filter(
        (column) => !NOT_METRICS.has(column.id) && column.dropRank !== undefined && keep(column.dropRank),
      )
      .sort((a, b) => (a.dropRank ?? 0) - (b.dropRank ?? 0))
      .map((column) => column.id);
  return [...ranked((rank) => rank < 0), ...DROP_ORDER, ...ranked((rank) => rank >= 0)];
}

/** The `ckpt ls` columns (the task's standard metrics included), fitted to the terminal width. */
export function tableLayout(sample: LayoutSample, options: { width: number; ascii: boolean }): TableLayout {
  const ls = defaultLsColumns(sample.entries, { now: 0, displayPath: (path) => path });
  let sized: Sized[] = ls
    .filter((column) => column.id !== "status" && column.id !== "path")
    .filter((column) => column.id !== "experiment" || sample.experimentWidth > 0)
    .map((column) => {
      const need = needOf(column, sample);
      return { column, need, min: Math.min(need, MIN_TEXT_WIDTHS[column.id] ?? need) };
    });
  const name = { need: Math.max(sample.nameWidth, "checkpoint ".length), min: MIN_NAME_WIDTH };
  const fixedWidth = () => sized.reduce((sum, item) => sum + item.min + GAP.length, PREFIX_WIDTH);
  for (const id of dropOrder(ls)) {
    if (fixedWidth() + Math.min(name.need, name.min) <= options.width) break;
    sized = sized.filter((item) => item.column.id !== id);
  }
  const texts = sized.filter((item) => item.column.id in MIN_TEXT_WIDTHS);
  const room = options.width - fixedWidth() + texts.reduce((sum, item) => sum + item.min, 0);
  // The name is shared in last; it takes whatever the text columns leave.
  const widths = shareRoom(room, [...texts, { need: name.need, min: Math.min(name.need, name.min) }]);
  const textWidth = new Map(texts.map((item, index) => [item.column.id, widths[index] ?? item.min]));
  const columns = sized.map(({ column, need }) => ({
    id: column.id,
    header: column.header,
    align: column.align,
    width: textWidth.get(column.id) ?? need,
    cell: cellOf(column),
  }));
  const used = columns.reduce((sum, column) => sum + column.width + GAP.length, PREFIX_WIDTH);
  return { columns, nameWidth: Math.max(8, options.width - used), ascii: options.ascii };
}
