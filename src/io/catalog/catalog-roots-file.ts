import { readFileSync } from "node:fs";
import { z } from "zod";
import { writePrivateFileAtomically } from "../fs/private-file.ts";

/**
 * The roots the catalog covers, kept beside it (`catalog.db.roots`) as well as in its meta table: when the database
 * is damaged or deleted, this file still says what to rebuild it from.
 */
const RecordedRoots = z.object({ roots: z.array(z.string()) });

export function rootsFilePath(databasePath: string): string {
  return `${databasePath}.roots`;
}

/** The recorded roots, or null when there is no readable roots file. */
export function readRecordedRoots(databasePath: string): string[] | null {
  try {
    const parsed = RecordedRoots.safeParse(JSON.parse(readFileSync(rootsFilePath(databasePath), "utf8")));
    return parsed.success ? parsed.data.roots : null;
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
