import type { Database } from "bun:sqlite";
import type { CatalogRun } from "../core/catalog/catalog-entry.ts";
import { META_KEYS } from "../core/catalog/catalog-schema.ts";
import { rootCondition, type SqlValue } from "../core/catalog/entry-sql.ts";
import type { ScannedFile } from "../core/catalog/reconcile-plan.ts";
import type { CheckpointMetadataV1 } from "../core/metadata/metadata-schema.ts";
import type { MetricPoint } from "../core/runs/metric-series.ts";
import { pointsFingerprint } from "../core/runs/points-fingerprint.ts";
import { directoryOf, rowValues, STORED_COLUMNS, type StoredEntry } from "./catalog-rows.ts";

/** A run and, when they were read in this scan, all its metric points (they replace the stored ones). */
export type RunUpdate = { readonly run: CatalogRun; readonly points: readonly MetricPoint[] | null };

/** One transaction's worth of scan results. */
export type CatalogChanges = {
  readonly upserts?: readonly StoredEntry[];
  readonly renames?: readonly {
    readonly from: string;
    readonly file: ScannedFile;
    readonly metadata: CheckpointMetadataV1 | null;
  }[];
  readonly removed?: readonly string[];
  readonly runs?: readonly RunUpdate[];
  readonly now: number;
};

function upsertRuns(database: Database, runs: readonly RunUpdate[], now: number): void {
  const upsertRun = database.query(
    "INSERT OR REPLACE INTO runs (dir, exp_name, task, config_path, wandb_run_id, updated_at, points_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const storedFingerprint = database.query<{ points_fingerprint: string | null }, [string]>(
    "SELECT points_fingerprint FROM runs WHERE dir = ?",
  );
  const deletePoints = database.query("DELETE FROM metric_points WHERE run_dir = ?");
  const insertPoint = database.query(
    "INSERT INTO metric_points (run_dir, name, step, epoch, value, wall_time) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const { run, points } of runs) {
    const stored = storedFingerprint.get(run.dir)?.points_fingerprint ?? null;
    const fingerprint = points === null ? stored : pointsFingerprint(points);
    upsertRun.run(run.dir, run.exp_name, run.task, run.config_path, run.wandb_run_id, now, fingerprint);
    // Unchanged points (the usual case when the daemon indexes a run's next checkpoint) are not rewritten.
    if (points === null || (stored !== null && stored === fingerprint)) continue;
    deletePoints.run(run.dir);
    for (const point of points) {
      // SQLite stores NaN as NULL; a diverged loss then shows as a gap in the curve.
      insertPoint.run(run.dir, point.name, point.step, point.epoch, point.value, point.wallTime ?? null);
    }
  }
}

function applyRenames(database: Database, renames: NonNullable<CatalogChanges["renames"]>): void {
  const move = database.query(
    "UPDATE checkpoints SET path = ?, dir = ?, kind = ?, dev = ?, ino = ?, size = ?, mtime_ms = ?, alias_of = NULL, sidecar_present = ?, metadata_json = ? WHERE path = ?",
  );
  for (const { from, file, metadata } of renames) {
    database.run("DELETE FROM checkpoints WHERE path = ?", [file.path]);
    const json = metadata === null ? null : JSON.stringify({ ...metadata, checkpoint_path: file.path });
    move.run(
      file.path,
      directoryOf(file.path),
      file.kind,
      file.dev,
      file.ino,
      file.size,
      file.mtime_ms,
      file.sidecar_present ? 1 : 0,
      json,
      from,
    );
  }
}

/** Runs and points whose checkpoints are all gone. */
function pruneRuns(database: Database): void {
  database.run(
    "DELETE FROM runs WHERE dir NOT IN (SELECT run_dir FROM checkpoints WHERE run_dir IS NOT NULL)",
  );
  database.run("DELETE FROM metric_points WHERE run_dir NOT IN (SELECT dir FROM runs)");
}

/** What `deleteCatalogPaths` dropped for one path that is gone. */
export type DeletedPath = {
  readonly path: string;
  /** Rows dropped for it: its own, every row under it, and the alias rows of those. */
  readonly rows: number;
  /** The alias rows among them (hard links, symlinks): the caller indexes again those still on disk. */
  readonly aliases: readonly string[];
};

type DeletedRow = { readonly path: string; readonly run_dir: string | null };

/** The runs among `runDirs` that no checkpoint names any more, and their points: by index, not a table scan. */
function pruneRunsOf(database: Database, runDirs: ReadonlySet<string>): void {
  const emptyRun = database.query(
    "DELETE FROM runs WHERE dir = ?1 AND NOT EXISTS (SELECT 1 FROM checkpoints WHERE run_dir = ?1)",
  );
  const orphanPoints = database.query(
    "DELETE FROM metric_points WHERE run_dir = ?1 AND NOT EXISTS (SELECT 1 FROM runs WHERE dir = ?1)",
  );
  for (const dir of runDirs) {
    emptyRun.run(dir);
    orphanPoints.run(dir);
  }
}

/** Drops the rows at or below a path (on `alias_of`: the aliases of those) and returns them. */
function rangeDeletion(database: Database, column: "path" | "alias_of"): (path: string) => DeletedRow[] {
  // One path's condition is the same SQL for every path; only its parameters differ.
  const shape = rootCondition(["/path"], column)?.sql ?? "FALSE";
  const statement = database.query<DeletedRow, SqlValue[]>(
    `DELETE FROM checkpoints WHERE ${shape} RETURNING path, run_dir`,
  );
  return (path) => {
    const condition = rootCondition([path], column);
    return condition === null ? [] : statement.all(...condition.params);
  };
}

/**
 * Drops the rows of paths that are gone from disk, in one transaction however many there are: for each path its
 * own row and every row under it (a removed directory is one statement over a range of the path index, never a row
 * at a time), then the alias rows that pointed at any of them. Runs left without a checkpoint go too.
 */
export function deleteCatalogPaths(database: Database, paths: readonly string[]): DeletedPath[] {
  const dropUnder = rangeDeletion(database, "path");
  const dropAliasesOf = rangeDeletion(database, "alias_of");
  const runDirs = new Set<string>();
  const deleted: DeletedPath[] = [];
  database.transaction(() => {
    for (const path of paths) {
      const rows = dropUnder(path);
      const aliases = dropAliasesOf(path);
      for (const row of [...rows, ...aliases]) if (row.run_dir !== null) runDirs.add(row.run_dir);
      deleted.push({
        path,
        rows: rows.length + aliases.length,
        aliases: aliases.map((row) => row.path),
      });
    }
    pruneRunsOf(database, runDirs);
  })();
  return deleted;
}
/** Applies one batch of scan results in a single transaction, so readers never see half a batch. */
export function applyCatalogChanges(database: Database, changes: CatalogChanges): void {
  const placeholders = STORED_COLUMNS.map(() => "?").join(", ");
  const upsert = database.query(
    `INSERT OR REPLACE INTO checkpoints (${STORED_COLUMNS.join(", ")}) VALUES (${placeholders})`,
  );
  const remove = database.query("DELETE FROM checkpoints WHERE path = ?");
  database.transaction(() => {
    applyRenames(database, changes.renames ?? []);
    for (const path of changes.removed ?? []) remove.run(path);
    for (const entry of changes.upserts ?? []) upsert.run(...rowValues(entry));
    upsertRuns(database, changes.runs ?? [], changes.now);
    if ((changes.removed?.length ?? 0) > 0 || (changes.renames?.length ?? 0) > 0) pruneRuns(database);
  })();
}

/** Records a finished scan: when, how long, and the roots (so `ckpt scan` without arguments rescans them). */
export function recordScan(
  database: Database,
  scan: { at: string; seconds: number; roots: readonly string[] },
): void {
  const known = database
    .query<{ value: string }, [string]>("SELECT value FROM meta WHERE key = ?")
    .get(META_KEYS.roots);
  const previous: unknown = known === null ? [] : JSON.parse(known.value);
  const roots = new Set([...(Array.isArray(previous) ? previous.map(String) : []), ...scan.roots]);
  const set = database.query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  database.transaction(() => {
    set.run(META_KEYS.lastScanAt, scan.at);
    set.run(META_KEYS.lastScanSeconds, String(scan.seconds));
    set.run(META_KEYS.roots, JSON.stringify([...roots].sort()));
  })();
}
