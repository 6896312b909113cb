/**
 * The catalog's SQLite schema. The catalog is a cache of sidecars and checkpoints, so a database of any other
 * version is moved aside and rebuilt, never migrated: bump this whenever the DDL below changes.
 */
export const CATALOG_SCHEMA_VERSION = 3;

export const CATALOG_DDL: readonly string[] = [
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
  `CREATE TABLE checkpoints (
    path TEXT PRIMARY KEY,
    dir TEXT NOT NULL,
    kind TEXT NOT NULL,
    alias_of TEXT,
    dev INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    sidecar_present INTEGER NOT NULL,
    status TEXT NOT NULL,
    run_dir TEXT,
    exp_name TEXT,
    task TEXT,
    framework TEXT,
    architecture TEXT,
    encoder TEXT,
    epoch INTEGER,
    global_step INTEGER,
    created_at TEXT,
    primary_name TEXT,
    primary_canonical TEXT,
    primary_value REAL,
    primary_higher INTEGER,
    metrics_json TEXT,
    metadata_json TEXT,
    sidecar_state TEXT NOT NULL,
    safety TEXT,
    problem TEXT,
    indexed_at INTEGER NOT NULL
  )`,
  // What a rescan compares with the disk, a directory at a time, readable from the index alone: rows carry
  // kilobytes of metadata JSON, and a rescan that read them took a quarter of its time doing so (v2). `status`
  // tells a writing scan which unchanged rows can get the sidecar a read-only pass left unwritten (v3).
  "CREATE INDEX checkpoints_facts ON checkpoints (dir, path, kind, dev, ino, size, mtime_ms, alias_of, sidecar_present, status)",
  "CREATE INDEX checkpoints_run ON checkpoints (run_dir, epoch, global_step)",
  "CREATE INDEX checkpoints_inode ON checkpoints (dev, ino)",
  "CREATE INDEX checkpoints_alias ON checkpoints (alias_of) WHERE alias_of IS NOT NULL",
  "CREATE INDEX checkpoints_mtime ON checkpoints (mtime_ms)",
  "CREATE INDEX checkpoints_size ON checkpoints (size)",
  "CREATE INDEX checkpoints_epoch ON checkpoints (epoch, global_step)",
  "CREATE INDEX checkpoints_step ON checkpoints (global_step)",
  "CREATE INDEX checkpoints_primary ON checkpoints (primary_canonical, primary_value)",
  `CREATE TABLE runs (
    dir TEXT PRIMARY KEY,
    exp_name TEXT,
    task TEXT,
    config_path TEXT,
    wandb_run_id TEXT,
    updated_at INTEGER NOT NULL,
    points_fingerprint TEXT
  ) WITHOUT ROWID`,
  `CREATE TABLE metric_points (
    run_dir TEXT NOT NULL,
    name TEXT NOT NULL,
    step INTEGER,
    epoch REAL,
    value REAL,
    wall_time REAL
  )`,
  "CREATE INDEX metric_points_run ON metric_points (run_dir, name, step)",
];

/** Keys of the `meta` table. */
export const META_KEYS = {
  schemaVersion: "schema_version",
  lastScanAt: "last_scan_at",
  lastScanSeconds: "last_scan_seconds",
  roots: "roots",
} as const;
