import { readFileSync } from "node:fs";
import { writePrivateFileAtomically } from "../fs/private-file.ts";

/**
 * The roots the catalog covers, kept beside it (`catalog.db.roots`) as well as in its meta table: when the database
 * is damaged or deleted, this file still says what to rebuild it from.
 */
type RecordedRoots = { readonly roots: string[] };

/**
 * The file's shape, checked structurally rather than with a zod schema (as `catalog-rows.ts` checks the metrics):
 * every catalog query loads this module, and zod would add tens of ms to `ckpt ls`'s start-up.
 */
function isRecordedRoots(value: unknown): value is RecordedRoots {
  if (typeof value !== "object" || value === null || !("roots" in value)) return false;
  return Array.isArray(value.roots) && value.roots.every((root) => typeof root === "string");
}

export function rootsFilePath(databasePath: string): string {
  return `${databasePath}.roots`;
}

/** The recorded roots, or null when there is no readable roots file. */
export function readRecordedRoots(databasePath: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(rootsFilePath(databasePath), "utf8"));
    return isRecordedRoots(parsed) ? parsed.roots : null;
  } catch {
    return null;
  }
}

/**
 * Adds `roots` to the recorded ones (a rebuilt database starts without them, the file keeps them), written
 * atomically and 0600 only when that changes anything.
 */
export function writeRecordedRoots(databasePath: string, roots: readonly string[]): void {
  const known = readRecordedRoots(databasePath) ?? [];
  const sorted = [...new Set([...known, ...roots])].sort();
  if (JSON.stringify([...known].sort()) === JSON.stringify(sorted)) return;
  writePrivateFileAtomically(rootsFilePath(databasePath), `${JSON.stringify({ roots: sorted }, null, 2)}\n`);
}
