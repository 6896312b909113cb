/**
 * The shared catalog's PostgreSQL schema, as numbered migrations. Unlike the local SQLite catalog (a cache moved
 * aside and rebuilt on any other version), a shared catalog holds every host's rows and is migrated in place:
 * each migration runs once, in order, recorded in `ckpt_migrations`. Append; never edit one that shipped.
 */
export type PostgresMigration = { readonly version: number; readonly statements: readonly string[] };

/** What wakes readers: `pg_notify(CHANGE_CHANNEL, host)` in every write transaction, delivered on commit. */
export const CHANGE_CHANNEL = "ckpt_catalog_changed";

/** The advisory lock key space of ckpt (`pg_try_advisory_lock(ADVISORY_SPACE, hash)`): one poller per key. */
export const ADVISORY_SPACE = 0x636b7074; // "ckpt"

export const MIGRATIONS_TABLE =
  "CREATE TABLE IF NOT EXISTS ckpt_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

// Paths sort bytewise (COLLATE "C") as in SQLite, so the range conditions of `rootCondition` and `ORDER BY path`
// mean the same on both. Numbers are double precision: what a JavaScript number holds, as SQLite's were. Metrics
// are jsonb: a sort by a logged metric and the list of metric names read them without parsing text per row.
const CHECKPOINTS = `CREATE TABLE checkpoints (
    host text NOT NULL,
    location text NOT NULL,
    path text COLLATE "C" NOT NULL,
    dir text COLLATE "C" NOT NULL,
    kind text NOT NULL,
    alias_of text COLLATE "C",
    dev double precision NOT NULL,
    ino double precision NOT NULL,
    size double precision NOT NULL,
    mtime_ms double precision NOT NULL,
    sidecar_present integer NOT NULL,
    status text NOT NULL,
    run_dir text COLLATE "C",
    exp_name text,
    task text,
    framework text,
    architecture text,
    encoder text,
    epoch double precision,
    global_step double precision,
    created_at text,
    primary_name text,
    primary_canonical text COLLATE "C",
    primary_value double precision,
    primary_higher integer,
    metrics_json jsonb,
    metadata_json text,
    sidecar_state text NOT NULL,
    safety text,
    problem text,
    indexed_at double precision NOT NULL,
    PRIMARY KEY (host, path)
  )`;

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    statements: [
      CHECKPOINTS,
      "CREATE INDEX checkpoints_path ON checkpoints (path)",
      "CREATE INDEX checkpoints_host_dir ON checkpoints (host, dir)",
      "CREATE INDEX checkpoints_run ON checkpoints (host, run_dir)",
      "CREATE INDEX checkpoints_alias ON checkpoints (host, alias_of) WHERE alias_of IS NOT NULL",
      "CREATE INDEX checkpoints_mtime ON checkpoints (mtime_ms)",
      "CREATE INDEX checkpoints_primary ON checkpoints (primary_canonical, primary_value)",
      `CREATE TABLE runs (
        host text NOT NULL,
        dir text COLLATE "C" NOT NULL,
        exp_name text,
        task text,
        config_path text,
        wandb_run_id text,
        updated_at double precision NOT NULL,
        points_fingerprint text,
        PRIMARY KEY (host, dir)
      )`,
      `CREATE TABLE metric_points (
        host text NOT NULL,
        run_dir text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        name text NOT NULL,
        step double precision,
        epoch double precision,
        value double precision,
        wall_time double precision
      )`,
      "CREATE INDEX metric_points_run ON metric_points (host, run_dir, name, seq)",
      "CREATE TABLE meta (host text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (host, key))",
    ],
  },
];
