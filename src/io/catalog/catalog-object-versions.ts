import type { Database } from "bun:sqlite";
import { rootCondition } from "../../core/catalog/entry-sql.ts";
import { writingCatalog } from "./catalog-write-error.ts";

// Checkpoints in an object store are identified by size + ETag + last-modified, not dev/ino/size/mtime. The
// checkpoints table keeps size and last-modified (as mtime_ms, dev = ino = 0); the ETag lives here, keyed by the
// row's s3:// path. Created on first use, so catalogs without S3 rows are unchanged and need no migration.
const OBJECT_VERSIONS_DDL =
  "CREATE TABLE IF NOT EXISTS object_versions (path TEXT PRIMARY KEY, etag TEXT NOT NULL, last_modified TEXT) WITHOUT ROWID";

/** What the catalog recorded for an object it holds a row for. */
export type KnownObject = { readonly size: number; readonly etag: string | null };

/** The object rows at or under `root` (an s3:// prefix), by path. */
export function knownObjectsUnder(database: Database, root: string): Map<string, KnownObject> {
  const condition = rootCondition([root]);
  if (condition === null) return new Map();
  database.run(OBJECT_VERSIONS_DDL);
  const rows = database
    .query<{ path: string; size: number; etag: string | null }, string[]>(
      `SELECT path, size, (SELECT etag FROM object_versions o WHERE o.path = checkpoints.path) AS etag FROM checkpoints WHERE ${condition.sql}`,
    )
    .all(...condition.params.map(String));
  return new Map(rows.map((row) => [row.path, { size: row.size, etag: row.etag }]));
}

/** The version of an object a catalog row describes: its ETag and last-modified, keyed by the row's s3:// path. */
export type ObjectVersion = {
  readonly path: string;
  readonly etag: string;
  readonly lastModified: string | null;
};

export type ObjectVersionChanges = {
  readonly versions: readonly ObjectVersion[];
  readonly removed: readonly string[];
};

/**
 * Records the ETag of objects just catalogued and forgets those whose rows were removed, in one transaction (or
 * inside the caller's: `storeIndexed` writes the rows and their versions together).
 */
export function recordObjectVersions(database: Database, changes: ObjectVersionChanges): void {
  writingCatalog(database.filename, () => {
    database.run(OBJECT_VERSIONS_DDL);
    const upsert = database.query(
      "INSERT OR REPLACE INTO object_versions (path, etag, last_modified) VALUES (?, ?, ?)",
    );
    const remove = database.query("DELETE FROM object_versions WHERE path = ?");
    database.transaction(() => {
      for (const path of changes.removed) remove.run(path);
      for (const version of changes.versions) upsert.run(version.path, version.etag, version.lastModified);
    })();
  });
}
