import type { Database } from "bun:sqlite";
import type { SqlValue } from "../../core/catalog/entry-sql.ts";
import { STORED_COLUMNS } from "./catalog-rows.ts";

// What this host publishes to a shared catalog, read from its local SQLite catalog (see `host-publisher.ts`).

/** The columns whose change means a row must be published again; `indexed_at` moves with every re-read. */
export const ROW_SIGNATURE = [
  "indexed_at",
  "mtime_ms",
  "size",
  "dev",
  "ino",
  "status",
  "sidecar_state",
  "sidecar_present",
  "alias_of",
] as const;

/** Each row's signature (`ROW_SIGNATURE` values as JSON), by path. */
export function localRowSignatures(database: Database): Map<string, string> {
  const rows = database
    .query<SqlValue[], []>(`SELECT path, ${ROW_SIGNATURE.join(", ")} FROM checkpoints`)
    .values();
  return new Map(rows.map(([path, ...signature]) => [String(path), JSON.stringify(signature)]));
}

/** The rows at `paths` as `STORED_COLUMNS` values (what the shared catalog stores beside host and location). */
export function localStoredRows(database: Database, paths: readonly string[]): SqlValue[][] {
  const statement = database.query<SqlValue[], [string]>(
    `SELECT ${STORED_COLUMNS.join(", ")} FROM checkpoints WHERE path = ?`,
  );
  // The catalog stores text, numbers and NULL only: no blobs, no bigints (strict mode, no safeIntegers).
  return paths.flatMap((path) => statement.values(path) as SqlValue[][]);
}

/** A run's row as the local catalog keeps it. */
export type LocalRun = {
  readonly dir: string;
  readonly exp_name: string | null;
  readonly task: string | null;
  readonly config_path: string | null;
  readonly wandb_run_id: string | null;
  readonly updated_at: number;
  readonly points_fingerprint: string | null;
};

export function localRuns(database: Database): LocalRun[] {
  return database
    .query<LocalRun, []>(
      "SELECT dir, exp_name, task, config_path, wandb_run_id, updated_at, points_fingerprint FROM runs",
    )
    .all();
}

/** A run's points in file order: name, step, epoch, value, wall time. */
export function localRunPoints(database: Database, dir: string): SqlValue[][] {
  return database
    .query<SqlValue[], [string]>(
      "SELECT name, step, epoch, value, wall_time FROM metric_points WHERE run_dir = ? ORDER BY rowid",
    )
    .values(dir) as SqlValue[][];
}
