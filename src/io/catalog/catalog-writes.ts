import type { Database } from "bun:sqlite";
import type { CatalogRun } from "../../core/catalog/catalog-entry.ts";
import { META_KEYS } from "../../core/catalog/catalog-schema.ts";
import { rootCondition, type SqlValue } from "../../core/catalog/entry-sql.ts";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import { pointsFingerprint } from "../../core/runs/points-fingerprint.ts";
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

/** Paths per `deleteCatalogPaths` transaction in a long run of them: 1,000 take 0.1–0.4 s on a loaded 2-core box. */
export const DELETE_BATCH = 1000;

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

/** A path's own row; failing that (a plain directory), every row below it: one range of the path index. */
function rowsDeleter(database: Database): (path: string) => DeletedRow[] {
  const own = database.query<DeletedRow, [string]>(
    "DELETE FROM checkpoints WHERE path = ? RETURNING path, run_dir",
  );
  // Rows live below a directory that has none of its own: a checkpoint's members are never rows.
  const below = database.query<DeletedRow, SqlValue[]>(
    `DELETE FROM checkpoints WHERE ${rootCondition(["/below"])?.sql ?? "FALSE"} RETURNING path, run_dir`,
  );
  return (path) => {
    const rows = own.all(path);
    const range = rows.length > 0 ? null : rootCondition([path]);
    return range === null ? rows : below.all(...range.params);
  };
}

/** Which of `paths` an alias of `target` went with: the path itself, or the directory it was under. */
function ownerOf(target: string, paths: readonly string[]): string | undefined {
  return paths.find((path) => target === path || target.startsWith(`${path}/`));
}

/**
 * Drops the rows of paths that are gone from disk, in one transaction: each path's own row, or for a directory
 * every row under it (one statement over a range of the path index, never a row at a time); then the alias rows
 * whose checkpoint is gone, and the runs left without a checkpoint. A full or read-only disk throws a
 * `CatalogWriteError` and drops nothing.
 */
export function deleteCatalogPaths(database: Database, paths: readonly string[]): DeletedPath[] {
  const deleteRows = rowsDeleter(database);
  // One statement a batch, over the (small) alias index: an alias whose primary row is no longer there.
  const danglingAliases = database.query<DeletedRow & { alias_of: string }, []>(
    "DELETE FROM checkpoints WHERE alias_of IS NOT NULL AND NOT EXISTS (SELECT 1 FROM checkpoints AS primaries WHERE primaries.path = checkpoints.alias_of) RETURNING path, alias_of, run_dir",
  );
  const runDirs = new Set<string>();
  const rows = new Map<string, number>();
  const aliases = new Map<string, string[]>();
  const deleteAll = database.transaction(() => {
    for (const path of paths) {
      const deleted = deleteRows(path);
      for (const row of deleted) if (row.run_dir !== null) runDirs.add(row.run_dir);
      rows.set(path, deleted.length);
    }
    for (const alias of danglingAliases.all()) {
      if (alias.run_dir !== null) runDirs.add(alias.run_dir);
      const owner = ownerOf(alias.alias_of, paths);
      if (owner !== undefined) aliases.set(owner, [...(aliases.get(owner) ?? []), alias.path]);
    }
    pruneRunsOf(database, runDirs);
  });
  writingCatalog(database.filename, () => deleteAll());
  return paths.map((path) => {
    const own = aliases.get(path) ?? [];
    return { path, rows: (rows.get(path) ?? 0) + own.length, aliases: own };
  });
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
