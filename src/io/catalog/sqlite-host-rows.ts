import type { Database } from "bun:sqlite";
import type { CatalogRun } from "../../core/catalog/catalog-entry.ts";
import type { SqlValue } from "../../core/catalog/entry-sql.ts";
import { ENTRY_COLUMNS } from "../../core/catalog/entry-sql.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import { type EntryRow, entryFromRow, type StoredEntry } from "./catalog-rows.ts";
import { lookUpStoredMetadata } from "./catalog-stored-metadata.ts";

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

/**
 * The rows at `paths` as the scan stored them, with their metadata: the catalog's copy, else the valid sidecar it
 * relied on (`lookUpStoredMetadata`), since the shared catalog's readers cannot read this host's sidecars.
 */
export function localStoredEntries(database: Database, paths: readonly string[]): StoredEntry[] {
  const statement = database.query<EntryRow & { sidecar_present: number }, [string]>(
    `SELECT ${ENTRY_COLUMNS.join(", ")}, sidecar_present FROM checkpoints WHERE path = ?`,
  );
  return paths.flatMap((path) => {
    const row = statement.get(path);
    if (row === null) return [];
    const { metadata } = lookUpStoredMetadata(database, path);
    return [{ ...entryFromRow(row), sidecar_present: row.sidecar_present === 1, metadata }];
  });
}

/** The run columns whose change means a run must be published again (`updated_at` moves with every index). */
export const RUN_STAMP = ["exp_name", "task", "config_path", "wandb_run_id", "points_fingerprint"] as const;

/** A run's row as the local catalog keeps it. */
export type LocalRun = CatalogRun & { readonly points_fingerprint: string | null };

export function localRuns(database: Database): LocalRun[] {
  return database.query<LocalRun, []>(`SELECT dir, ${RUN_STAMP.join(", ")} FROM runs`).all();
}

/** A run's stamp (`RUN_STAMP` values as JSON), as `sharedRunStamps` reads it back. */
export function localRunStamp(run: LocalRun): string {
  return JSON.stringify(RUN_STAMP.map((column) => run[column]));
}

/** A run's points in file order; a value stored as NULL (NaN when logged) is NaN again. */
export function localRunPoints(database: Database, dir: string): MetricPoint[] {
  const rows = database
    .query<
      {
        name: string;
        step: number | null;
        epoch: number | null;
        value: number | null;
        wall_time: number | null;
      },
      [string]
    >("SELECT name, step, epoch, value, wall_time FROM metric_points WHERE run_dir = ? ORDER BY rowid")
    .all(dir);
  return rows.map((row) => ({
    name: row.name,
    step: row.step,
    epoch: row.epoch,
    value: row.value ?? Number.NaN,
    ...(row.wall_time === null ? {} : { wallTime: row.wall_time }),
  }));
}
