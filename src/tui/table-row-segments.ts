import { formatBytes, formatDuration } from "../core/catalog/human-units.ts";
import type { StalledRun } from "../core/health/disk-health.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { namedMetricText } from "./metric-text.ts";
import { markCell, marksFor, type RowMarks, rowStatus, STATUS_GLYPHS } from "./status-glyphs.ts";
import {
  type EntryRow,
  GAP,
  NOT_METRICS,
  nameInRun,
  PREFIX_WIDTH,
  type TableLayout,
} from "./table-layout.ts";
import type { DisplayRow } from "./table-rows.ts";
import type { SortColumn } from "./ui-state.ts";

// The table's rows as styled text, in the columns and widths a `TableLayout` fixed (table-layout.ts).

/** A run of text in one style; a row is one `<Text>` made of these. */
export type Segment = {
  /** Stable within a row: the React key. */
  readonly id: string;
  readonly text: string;
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
};

/**
 * Pads or cuts to exactly `width` characters; cut text ends (or, `keepEnd`, starts) with an ellipsis. Names from
 * disk (experiments, metrics, checkpoints) are shown escaped: a newline or an escape sequence in one can neither
 * break the row nor reach the terminal.
 */
export function fit(
  text: string,
  width: number,
  options: { align?: "left" | "right"; keepEnd?: boolean } = {},
): string {
  const shown = escapeControl(text);
  const chars = [...shown];
  if (width <= 0) return "";
  if (chars.length > width) {
    return options.keepEnd
      ? `…${chars.slice(chars.length - width + 1).join("")}`
      : `${chars.slice(0, width - 1).join("")}…`;
  }
  const pad = " ".repeat(width - chars.length);
  return options.align === "right" ? pad + shown : shown + pad;
}

function sortedColumnId(layout: TableLayout, sort: SortColumn): string {
  if (sort !== "metric") return sort;
  return layout.columns.find((column) => !NOT_METRICS.has(column.id))?.id ?? "metric";
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

export type EntryRowState = { readonly now: number; readonly selected: boolean } & RowMarks;

export function entrySegments(row: EntryRow, layout: TableLayout, state: EntryRowState): Segment[] {
  const marks = marksFor(layout.ascii);
  const glyph = STATUS_GLYPHS[rowStatus(row.entry)];
  const cells = layout.columns.map((column) =>
    fit(column.cell(row, state.now), column.width, { align: column.align }),
  );
  const name = fit(nameInRun(row.entry.path, row.runDir), layout.nameWidth, { keepEnd: true });
  return [
    { id: "cursor", text: state.selected ? marks.cursor : " ", bold: true },
    { id: "mark", ...markCell(marks, state) },
    { id: "best", text: row.best ? marks.best : " ", color: "yellow" },
    { id: "status", text: layout.ascii ? glyph.ascii : glyph.unicode, color: glyph.color },
    { id: "gap2", text: " " },
    { id: "cells", text: [...cells, name].join(GAP) },
  ];
}

/** Why a run is marked stalled, short enough for its header row. */
export function stalledMark(stall: StalledRun): string {
  const quiet = formatDuration(stall.since_last_seconds);
  return stall.reason === "incomplete"
    ? `STALLED: newest checkpoint incomplete for ${quiet}`
    : `STALLED: no checkpoint for ${quiet} (saved every ${formatDuration(stall.expected_interval_seconds ?? 0)})`;
}

export function runSegments(
  row: Extract<DisplayRow, { kind: "run" }>,
  layout: TableLayout,
  options: {
    readonly displayPath: (path: string) => string;
    readonly selected: boolean;
    /** Set when the health report found the run stalled. */
    readonly stalled?: StalledRun | undefined;
  },
): Segment[] {
  const { displayPath } = options;
  const marks = marksFor(layout.ascii);
  const { best } = row.group;
  const count =
    row.shown === row.group.entries.length ? `${row.shown}` : `${row.shown}/${row.group.entries.length}`;
  const bestText = best === null ? "" : `  best ${namedMetricText(best.entry, best.metric)}`;
  return [
    { id: "cursor", text: options.selected ? marks.cursor : " ", bold: true },
    { id: "toggle", text: `${row.collapsed ? marks.collapsed : marks.expanded} ` },
    { id: "label", text: escapeControl(row.group.label), bold: true },
    ...(options.stalled === undefined
      ? []
      : [{ id: "stalled", text: `  ${stalledMark(options.stalled)}`, color: "red", bold: true }]),
    { id: "dir", text: `  ${displayPath(row.group.dir)}`, dim: true },
    {
      id: "count",
      text: escapeControl(
        `  ${count} checkpoint${row.group.entries.length === 1 ? "" : "s"}, ${formatBytes(row.group.bytes)}${bestText}`,
      ),
    },
  ];
}
