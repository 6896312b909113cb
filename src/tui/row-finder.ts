import type { DisplayRow } from "./table-rows.ts";

/** Rows from `start` while they belong to the same run (or to no run, at the top). */
function scanRun(rows: readonly DisplayRow[], key: string, start: number): number | undefined {
  for (let index = start; index < rows.length; index++) {
    const row = rows[index] as DisplayRow;
    if (row.key === key) return index;
    if (row.kind === "run" && index > start) return undefined;
  }
  return undefined;
}

/**
 * Finds a row without a 100k-entry index built per table: near where it was, else in the run whose directory
 * is a prefix of the path (the usual case), else by a full scan.
 */
export function rowFinder(rows: readonly DisplayRow[], runStarts: ReadonlyMap<string, number>) {
  return (key: string, near = 0): number | undefined => {
    for (let index = Math.max(0, near - 64); index < Math.min(rows.length, near + 64); index++)
      if (rows[index]?.key === key) return index;
    const header = runStarts.get(key);
    if (header !== undefined) return header;
    for (let slash = key.indexOf("/"); slash >= 0; slash = key.indexOf("/", slash + 1)) {
      const start = runStarts.get(`run:${key.slice(0, slash) || "/"}`);
      const found = start === undefined ? undefined : scanRun(rows, key, start);
      if (found !== undefined) return found;
    }
    const anywhere = rows.findIndex((row) => row.key === key);
    return anywhere < 0 ? undefined : anywhere;
  };
}
