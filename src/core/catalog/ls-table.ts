import { escapeControl } from "../text/escape-control.ts";
import { shortenPath, textWidth, truncateEnd, truncateMiddle } from "../text/fit-text.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import type { ColumnShrink, LsColumn } from "./ls-columns.ts";

const GAP = "  ";
/** A path column keeps room for its longest file name (plus `…/`), up to this many cells. */
const PATH_NAME_ROOM = 40;

export type LsTableOptions = {
  /** The terminal's width; the table is narrowed to it. Absent: no limit (`--wide`, or output to a pipe). */
  readonly maxWidth?: number | undefined;
};

type Layout = { readonly columns: readonly LsColumn[]; readonly widths: readonly number[] };

function totalWidth(widths: readonly number[]): number {
  return widths.reduce((sum, width) => sum + width, 0) + GAP.length * Math.max(0, widths.length - 1);
}

function fileNameWidth(cell: string): number {
  return textWidth(cell.slice(cell.lastIndexOf("/") + 1));
}

/**
 * The narrowest a shrinkable column goes: its minimum and its header; for paths also the longest file name,
 * unless the table is `tight` (even with columns left out, file names do not fit whole).
 */
function floorOf(column: LsColumn, cells: readonly string[], options: { natural: number; tight: boolean }) {
  const shrink = column.shrink as ColumnShrink;
  let floor = Math.max(shrink.minWidth, textWidth(column.header));
  if (shrink.style === "path" && !options.tight) {
    const names = Math.max(0, ...cells.map(fileNameWidth)) + 2;
    floor = Math.max(floor, Math.min(names, PATH_NAME_ROOM));
  }
  return Math.min(options.natural, floor);
}

type ShrinkInput = {
  readonly columns: readonly LsColumn[];
  /** Cells by column, header first. */
  readonly cells: readonly (readonly string[])[];
  readonly maxWidth: number;
  readonly tight: boolean;
};

/**
 * Narrows the shrinkable columns to `maxWidth` by a common cap (scaled by each column's weight), so the widest
 * gives up room first and a short one is never cut while a long one has room to spare; no column goes below its
 * floor. Any room the cap leaves over goes back to cut columns.
 */
function shrunkWidths({ columns, cells, maxWidth, tight }: ShrinkInput): number[] {
  const natural = cells.map((column) => Math.max(0, ...column.map(textWidth)));
  if (totalWidth(natural) <= maxWidth) return natural;
  const floors = columns.map((column, index) => {
    const own = natural[index] ?? 0;
    return column.shrink === undefined ? own : floorOf(column, cells[index] ?? [], { natural: own, tight });
  });
  const capped = (cap: number) =>
    columns.map((column, index) => {
      const weighted = Math.round(cap * (column.shrink?.weight ?? 1));
      return Math.min(natural[index] ?? 0, Math.max(floors[index] ?? 0, weighted));
    });
  let low = 0;
  let high = Math.max(0, ...natural);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (totalWidth(capped(middle)) <= maxWidth) low = middle;
    else high = middle - 1;
  }
  const widths = capped(low);
  let slack = maxWidth - totalWidth(widths);
  for (let index = 0; index < widths.length && slack > 0; index++) {
    const give = Math.min(slack, (natural[index] ?? 0) - (widths[index] ?? 0));
    widths[index] = (widths[index] ?? 0) + give;
    slack -= give;
  }
  return widths;
}

/** Every layout to try, in order: fewer columns left out first, and whole file names before cut ones. */
function* candidates(columns: readonly LsColumn[]): Generator<{ kept: LsColumn[]; tight: boolean }> {
  const drops = columns
    .filter((column) => column.dropRank !== undefined)
    .sort((a, b) => (a.dropRank ?? 0) - (b.dropRank ?? 0));
  for (const tight of [false, true]) {
    for (let dropped = 0; dropped <= drops.length; dropped++) {
      const gone = new Set(drops.slice(0, dropped));
      yield { kept: columns.filter((column) => !gone.has(column)), tight };
    }
  }
}

/**
 * The columns shown and their widths: shrunk to `maxWidth`, and when that is not enough, droppable columns left
 * out lowest rank first (each time the rest is laid out afresh, so they get the room back). A table that still
 * does not fit is left to wrap.
 */
function layOut(
  columns: readonly LsColumn[],
  cells: readonly (readonly string[])[],
  maxWidth?: number,
): Layout {
  const byColumn = new Map(columns.map((column, index) => [column, cells.map((row) => row[index] ?? "")]));
  if (maxWidth === undefined)
    return { columns, widths: [...byColumn.values()].map((column) => Math.max(0, ...column.map(textWidth))) };
  let layout: Layout = { columns, widths: [] };
  for (const { kept, tight } of candidates(columns)) {
    const keptCells = kept.map((column) => byColumn.get(column) ?? []);
    layout = { columns: kept, widths: shrunkWidths({ columns: kept, cells: keptCells, maxWidth, tight }) };
    if (totalWidth(layout.widths) <= maxWidth) break;
  }
  return layout;
}

function fitCell(cell: string, width: number, shrink: ColumnShrink | undefined): string {
  if (textWidth(cell) <= width || shrink === undefined) return cell;
  if (shrink.style === "path") return shortenPath(cell, width);
  return shrink.style === "middle" ? truncateMiddle(cell, width) : truncateEnd(cell, width);
}

/** An aligned table, two spaces between columns, header first; narrowed to `maxWidth` when given. */
export function renderLsTable(
  entries: readonly CatalogEntry[],
  columns: readonly LsColumn[],
  options: LsTableOptions = {},
): string {
  const cells = [
    columns.map((column) => column.header),
    // Experiment, run and metric names come from disk: a newline or an escape sequence in one must not reach
    // the terminal nor break the row (paths come escaped already; escaping is idempotent).
    ...entries.map((entry) => columns.map((c) => escapeControl(c.cell(entry)))),
  ];
  const layout = layOut(columns, cells, options.maxWidth);
  const shown = layout.columns.map((column) => columns.indexOf(column));
  const lines = cells.map((row) =>
    shown
      .map((from, index) => {
        const column = layout.columns[index];
        const width = layout.widths[index] ?? 0;
        const cell = fitCell(row[from] ?? "", width, column?.shrink);
        const pad = " ".repeat(Math.max(0, width - textWidth(cell)));
        return column?.align === "right" ? pad + cell : cell + pad;
      })
      .join(GAP)
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}
