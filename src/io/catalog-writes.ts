import type { Database } from "bun:sqlite";
import type { CatalogRun } from "../core/catalog/catalog-entry.ts";
import { META_KEYS } from "../core/catalog/catalog-schema.ts";
import type { ScannedFile } from "../core/catalog/reconcile-plan.ts";
import type { CheckpointMetadataV1 } from "../core/metadata/metadata-schema.ts";
import type { MetricPoint } from "../core/runs/metric-series.ts";
import { pointsFingerprint } from "../core/runs/points-fingerprint.ts";
import { writeRecordedRoots } from "./catalog-roots-file.ts";
import { directoryOf, rowValues, STORED_COLUMNS, type StoredEntry } from "./catalog-rows.ts";
import { writingCatalog } from "./catalog-write-error.ts";

/** A run and, when they were read in this scan, all its metric points (they replace the stored ones). */
export type RunUpdate = {
  readonly run: CatalogRun;
  readonly points: readonly MetricPoint[] | null;
  /**
   * False when the update knows the run's dir and points but nothing else (a checkpoint that cannot be read):
   * the run's row is then created if missing, never overwritten. @default true
   */
  readonly describesRun?: boolean;
};

/**
 * Two updates of one run in a batch as one: the later points when it has any, and the run's facts from the later
 * update that describes the run (a checkpoint that cannot be read brings points only).
 */
export function mergeRunUpdates(earlier: RunUpdate | undefined, later: RunUpdate): RunUpdate {
  if (earlier === undefined) return later;
  const describing = later.describesRun !== false ? later : earlier;
  return {
    run: describing.run,
    points: later.points ?? earlier.points,
    describesRun: describing.describesRun !== false,
  };
}

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
  const columns = "(dir, exp_name, task, config_path, wandb_run_id, updated_at, points_fingerprint)";
  const upsertRun = database.query(`INSERT OR REPLACE INTO runs ${columns} VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const addRun = database.query(`INSERT OR IGNORE INTO runs ${columns} VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const setFingerprint = database.query(
    "UPDATE runs SET points_fingerprint = ?, updated_at = ? WHERE dir = ?",
  );
  const storedFingerprint = database.query<{ points_fingerprint: string | null }, [string]>(
    "SELECT points_fingerprint FROM runs WHERE dir = ?",
  );
  const deletePoints = database.query("DELETE FROM metric_points WHERE run_dir = ?");
  const insertPoint = database.query(
    "INSERT INTO metric_points (run_dir, name, step, epoch, value, wall_time) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const { run, points, describesRun } of runs) {
    const stored = storedFingerprint.get(run.dir)?.points_fingerprint ?? null;
    const fingerprint = points === null ? stored : pointsFingerprint(points);
    const row = [
      run.dir,
      run.exp_name,
      run.task,
      run.config_path,
      run.wandb_run_id,
      now,
      fingerprint,
    ] as const;
    if (describesRun === false) {
      addRun.run(...row);
      setFingerprint.run(fingerprint, now, run.dir);
    } else upsertRun.run(...row);
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

/**
 * Applies one batch of scan results in a single transaction, so readers never see half a batch. A full or
 * read-only disk throws a `CatalogWriteError` and stores none of the batch.
 */
export function applyCatalogChanges(database: Database, changes: CatalogChanges): void {
  writingCatalog(database.filename, () => applyInTransaction(database, changes));
}

function applyInTransaction(database: Database, changes: CatalogChanges): void {
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

/**
 * Records a finished scan: when, how long, and the roots (so `ckpt scan` without arguments rescans them), in meta
 * and in `catalog.db.roots` beside the database, which outlives a damaged one.
 */
export function recordScan(
  database: Database,
  scan: { at: string; seconds: number; roots: readonly string[] },
): void {
  const roots = writingCatalog(database.filename, () => recordInMeta(database, scan));
  if (database.filename !== "" && database.filename !== ":memory:")
    writingCatalog(database.filename, () => writeRecordedRoots(database.filename, roots));
}

function recordInMeta(
  database: Database,
  scan: { at: string; seconds: number; roots: readonly string[] },
): string[] {
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
  return [...roots];
}
