import type { Database } from "bun:sqlite";
import { rootCondition, type SqlValue } from "../../core/catalog/entry-sql.ts";

// The path-level lookups the daemon and the demo make of a local SQLite catalog: here, with the rest of the
// SQLite store's SQL, so no statement lives outside the store implementations.

/** Primary rows naming the inode (`dev`, `ino`), other than `except`: a hard link's candidates for its primary. */
export function primaryPathsWithInode(
  database: Database,
  inode: { readonly dev: number; readonly ino: number; readonly except: string },
): string[] {
  return database
    .query<{ path: string }, [number, number, string]>(
      "SELECT path FROM checkpoints WHERE dev = ? AND ino = ? AND alias_of IS NULL AND path != ?",
    )
    .all(inode.dev, inode.ino, inode.except)
    .map((row) => row.path);
}

/** Whether `path` has a primary row (not an alias row). */
export function hasPrimaryRow(database: Database, path: string): boolean {
  return (
    database
      .query<{ path: string }, [string]>("SELECT path FROM checkpoints WHERE path = ? AND alias_of IS NULL")
      .get(path) !== null
  );
}

/**
 * Primary rows in the catalog: all rows less the aliases, two index counts. `alias_of IS NULL` could use no
 * index, and scanned 200k rows (55 ms, seconds under load) each time `ckpt status` asked.
 */
export function primaryRowCount(database: Database): number {
  const row = database
    .query<{ count: number }, []>(
      "SELECT (SELECT count(*) FROM checkpoints) - (SELECT count(*) FROM checkpoints WHERE alias_of IS NOT NULL) AS count",
    )
    .get();
  return row?.count ?? 0;
}

/** Every primary path, as a set. */
export function primaryPaths(database: Database): Set<string> {
  const rows = database
    .query<{ path: string }, []>("SELECT path FROM checkpoints WHERE alias_of IS NULL")
    .all();
  return new Set(rows.map((row) => row.path));
}

/** Paths of checkpoint directories (HF, sharded) under the roots (all of them when none), one at a time. */
export function* checkpointDirectoryPaths(database: Database, roots: readonly string[]): Generator<string> {
  const condition = rootCondition(roots);
  const statement = database.query<{ path: string }, SqlValue[]>(
    `SELECT path FROM checkpoints WHERE kind != 'file'${condition === null ? "" : ` AND ${condition.sql}`}`,
  );
  for (const row of statement.iterate(...(condition?.params ?? []))) yield row.path;
}

/** Primary paths read fine (`ok`, `unsafe`) that belong to one of the run directories, sorted. */
export function readPathsOfRuns(database: Database, runDirs: readonly [string, string, string]): string[] {
  return database
    .query<{ path: string }, [string, string, string]>(
      "SELECT path FROM checkpoints WHERE alias_of IS NULL AND status IN ('ok', 'unsafe') AND run_dir IN (?, ?, ?) ORDER BY path",
    )
    .all(...runDirs)
    .map((row) => row.path);
}
