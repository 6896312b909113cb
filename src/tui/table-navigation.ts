import type { DisplayRow, TableRows } from "./table-rows.ts";

export type CursorPlace = { readonly key: string | null; readonly index: number; readonly top: number };

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

/** The cursor's row now: found by key when it still exists (rows arrived above it), else the nearest index. */
export function resolveCursor(table: TableRows, cursor: { key: string | null; index: number }): number {
  const byKey = cursor.key === null ? undefined : table.indexOf(cursor.key, cursor.index);
  return byKey ?? clamp(cursor.index, 0, Math.max(0, table.rows.length - 1));
}

/** The first visible row, moved as little as possible so that the cursor stays on screen. */
export function visibleTop(options: { top: number; cursor: number; height: number; count: number }): number {
  const { cursor, height, count } = options;
  let top = options.top;
  if (cursor < top) top = cursor;
  if (cursor >= top + height) top = cursor - height + 1;
  return clamp(top, 0, Math.max(0, count - height));
}

/**
 * Where the cursor lands after moving to `target` (clamped), with the window following it. A run's column row is
 * passed over in the direction of the move (from `view.from`, the cursor's row).
 */
export function placeCursor(
  rows: readonly DisplayRow[],
  target: number,
  view: { readonly top: number; readonly height: number; readonly from?: number },
): CursorPlace {
  const last = Math.max(0, rows.length - 1);
  let index = clamp(target, 0, last);
  const step = index < (view.from ?? 0) ? -1 : 1;
  while (rows[index]?.kind === "columns" && index + step >= 0 && index + step <= last) index += step;
  const top = visibleTop({ top: view.top, cursor: index, height: view.height, count: rows.length });
  return { key: rows[index]?.key ?? null, index, top };
}
