import { formatBytes } from "../core/catalog/human-units.ts";
import type { PruneRow } from "../core/retention/prune-report.ts";
import type { StripMark } from "../core/retention/strip-mark.ts";

// How `prune --strip-optimizer` shows what it would do (or did) to each kept checkpoint: in the row's reason as
// text ("strip optimizer (saves 1.2 MB)"), as `strip` in the row's JSON, and in the totals.

export type StripTotals = { readonly strip_optimizer: number; readonly bytes_saved: number };

export function stripTotals(marks: ReadonlyMap<string, StripMark>): StripTotals {
  let count = 0;
  let saved = 0;
  for (const mark of marks.values()) {
    if (mark.kind === "refused") continue;
    count++;
    saved += mark.bytesSaved;
  }
  return { strip_optimizer: count, bytes_saved: saved };
}

function said(mark: StripMark): string {
  switch (mark.kind) {
    case "saves":
      return `strip optimizer (saves ${formatBytes(mark.bytesSaved)})`;
    case "stripped":
      return `optimizer stripped (saved ${formatBytes(mark.bytesSaved)})`;
    default:
      return `optimizer kept: ${mark.reason}`;
  }
}

/** The rows with each strip said after the row's reason (the plan's printer escapes it with the rest). */
export function rowsWithStripReasons(
  rows: readonly PruneRow[],
  marks: ReadonlyMap<string, StripMark>,
): readonly PruneRow[] {
  if (marks.size === 0) return rows;
  return rows.map((row) => {
    const mark = marks.get(row.path);
    return mark === undefined ? row : { ...row, reason: `${row.reason}; ${said(mark)}` };
  });
}

/** The rows as `--json` gives them: a stripped (or strippable) one gains `strip: {bytes_saved}` or `{refused}`. */
export function rowsWithStripJson(
  rows: readonly PruneRow[],
  marks: ReadonlyMap<string, StripMark>,
): unknown[] {
  return rows.map((row) => {
    const mark = marks.get(row.path);
    if (mark === undefined) return row;
    const strip = mark.kind === "refused" ? { refused: mark.reason } : { bytes_saved: mark.bytesSaved };
    return { ...row, strip };
  });
}

/** `strip optimizer: 3 kept checkpoints, 4.2 MB to save` (or `saved`), or nothing when none is stripped. */
export function stripSummary(marks: ReadonlyMap<string, StripMark>, executed: boolean): string {
  const totals = stripTotals(marks);
  if (totals.strip_optimizer === 0) return "";
  const verb = executed ? "saved" : "to save";
  return `strip optimizer: ${totals.strip_optimizer} kept checkpoints, ${formatBytes(totals.bytes_saved)} ${verb}\n`;
}
