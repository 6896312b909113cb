import type { SQL } from "bun";
import { encodeChangeNotice } from "../../core/catalog/change-notice.ts";
import type { SqlValue } from "../../core/catalog/entry-sql.ts";
import { CHANGE_CHANNEL } from "../../core/catalog/postgres-schema.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import { pointsFingerprint } from "../../core/runs/points-fingerprint.ts";
import { rowValues, STORED_COLUMNS, type StoredEntry } from "./catalog-rows.ts";
import type { StoreChanges } from "./catalog-store.ts";
import type { DeletedPath, RunUpdate } from "./catalog-writes.ts";
import { queryRows } from "./postgres-connection.ts";

type Tx = SQL;

/** Columns of a shared row: whose disk, where exactly, then the local catalog's columns. */
const SHARED_COLUMNS = ["host", "location", ...STORED_COLUMNS] as const;
/** Rows per INSERT: 33 columns × 500 rows stays well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 500;

/** A row's location: the host's file URI (`file://gpu-3/data/runs/a.ckpt`); object stores give theirs. */
function fileLocation(host: string, path: string): string {
  return `file://${host}${encodeURI(path)}`;
}

function run(tx: Tx, text: string, params: readonly SqlValue[] = []): Promise<Record<string, unknown>[]> {
  return queryRows<Record<string, unknown>>(tx, text, params);
}

function valuesList(rows: number, columns: number): string {
  const one = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
  return Array.from({ length: rows }, () => one).join(", ");
}

/**
 * One `(?, …)` per row. The metrics JSON arrives as text and is parsed by the server (`::text::jsonb`): bound to a
 * jsonb parameter directly, the client would store the text as one JSON string.
 */
function rowPlaceholders(rows: number): string {
  const one = `(${SHARED_COLUMNS.map((column) => (column === "metrics_json" ? "?::text::jsonb" : "?")).join(", ")})`;
  return Array.from({ length: rows }, () => one).join(", ");
}

const METADATA_COLUMN = STORED_COLUMNS.indexOf("metadata_json");

/**
 * A row's values as the shared catalog stores them: as the local catalog's, except that the metadata is kept
 * whatever the sidecar's state. Locally a valid sidecar holds it; other hosts cannot read this host's sidecars.
 */
function sharedRowValues(entry: StoredEntry): SqlValue[] {
  const values = rowValues(entry);
  values[METADATA_COLUMN] = entry.metadata === null ? null : JSON.stringify(entry.metadata);
  return values;
}

/** Upserts rows given as `STORED_COLUMNS` values, in batches of one multi-row INSERT each. */
async function upsertRowValues(tx: Tx, host: string, rows: readonly SqlValue[][]): Promise<void> {
  const updates = SHARED_COLUMNS.filter((column) => column !== "host" && column !== "path")
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(", ");
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const batch = rows.slice(start, start + ROWS_PER_INSERT);
    const params = batch.flatMap((values) => [host, fileLocation(host, String(values[0])), ...values]);
    await run(
      tx,
      `INSERT INTO checkpoints (${SHARED_COLUMNS.join(", ")}) VALUES ${rowPlaceholders(batch.length)} ON CONFLICT (host, path) DO UPDATE SET ${updates}`,
      params,
    );
  }
}

/** A run's stored points, replaced whole (as the local catalog does), in file order (`seq`). */
async function replacePoints(tx: Tx, key: { host: string; dir: string }, points: readonly MetricPoint[]) {
  await run(tx, "DELETE FROM metric_points WHERE host = ? AND run_dir = ?", [key.host, key.dir]);
  const columns = 8;
  for (let start = 0; start < points.length; start += ROWS_PER_INSERT) {
    const batch = points.slice(start, start + ROWS_PER_INSERT);
    const params = batch.flatMap((point, offset) => [
      key.host,
      key.dir,
      start + offset,
      point.name,
      point.step,
      point.epoch,
      Number.isNaN(point.value) ? null : point.value,
      point.wallTime ?? null,
    ]);
    await run(
      tx,
      `INSERT INTO metric_points (host, run_dir, seq, name, step, epoch, value, wall_time) VALUES ${valuesList(batch.length, columns)}`,
      params,
    );
  }
}

/** Runs as `catalog-writes.ts` stores them: a run that only brings points never overwrites what is known. */
async function upsertRuns(tx: Tx, host: string, runs: readonly RunUpdate[], now: number) {
  for (const { run: info, points, describesRun } of runs) {
    const [stored] = await run(tx, "SELECT points_fingerprint FROM runs WHERE host = ? AND dir = ?", [
      host,
      info.dir,
    ]);
    const storedPrint = (stored?.["points_fingerprint"] as string | null | undefined) ?? null;
    const fingerprint = points === null ? storedPrint : pointsFingerprint(points);
    const row = [
      host,
      info.dir,
      info.exp_name,
      info.task,
      info.config_path,
      info.wandb_run_id,
      now,
      fingerprint,
    ];
    const insert =
      "INSERT INTO runs (host, dir, exp_name, task, config_path, wandb_run_id, updated_at, points_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    if (describesRun === false) {
      await run(
        tx,
        `${insert} ON CONFLICT (host, dir) DO UPDATE SET points_fingerprint = EXCLUDED.points_fingerprint, updated_at = EXCLUDED.updated_at`,
        row,
      );
    } else {
      await run(
        tx,
        `${insert} ON CONFLICT (host, dir) DO UPDATE SET exp_name = EXCLUDED.exp_name, task = EXCLUDED.task, config_path = EXCLUDED.config_path, wandb_run_id = EXCLUDED.wandb_run_id, updated_at = EXCLUDED.updated_at, points_fingerprint = EXCLUDED.points_fingerprint`,
        row,
      );
    }
    if (points === null || (storedPrint !== null && storedPrint === fingerprint)) continue;
    await replacePoints(tx, { host, dir: info.dir }, points);
  }
}

/** This host's runs with no checkpoint left, and their points. */
export async function pruneRuns(tx: Tx, host: string): Promise<void> {
  await run(
    tx,
    "DELETE FROM runs WHERE host = ? AND NOT EXISTS (SELECT 1 FROM checkpoints AS c WHERE c.host = runs.host AND c.run_dir = runs.dir)",
    [host],
  );
  await run(
    tx,
    "DELETE FROM metric_points WHERE host = ? AND NOT EXISTS (SELECT 1 FROM runs AS r WHERE r.host = metric_points.host AND r.dir = metric_points.run_dir)",
    [host],
  );
}

/**
 * Wakes every LISTENing reader when this transaction commits (and never when it rolls back), naming the paths
 * written and removed when they fit in a notification.
 */
export async function notifyChange(
  tx: Tx,
  notice: { host: string; upserted?: readonly string[] | null; removed?: readonly string[] | null },
): Promise<void> {
  const payload = encodeChangeNotice({
    host: notice.host,
    upserted: notice.upserted ?? null,
    removed: notice.removed ?? null,
  });
  await run(tx, "SELECT pg_notify(?, ?)", [CHANGE_CHANNEL, payload]);
}

/** Paths per `DELETE … IN (…)`. */
const PATHS_PER_DELETE = 1000;

async function deleteRows(tx: Tx, host: string, paths: readonly string[]): Promise<void> {
  for (let start = 0; start < paths.length; start += PATHS_PER_DELETE) {
    const batch = paths.slice(start, start + PATHS_PER_DELETE);
    await run(tx, `DELETE FROM checkpoints WHERE host = ? AND path IN (${batch.map(() => "?").join(", ")})`, [
      host,
      ...batch,
    ]);
  }
}

/**
 * One batch of this host's changes, all or nothing: what `ckpt watch` publishes after each local commit, and the
 * store's `applyChanges`. Ends in a NOTIFY naming the paths, which wakes every listening reader on commit.
 */
export async function applySharedChanges(sql: SQL, host: string, changes: StoreChanges): Promise<void> {
  await sql.begin(async (tx) => {
    const removed = changes.removed ?? [];
    await deleteRows(tx, host, removed);
    await upsertRowValues(tx, host, (changes.upserts ?? []).map(sharedRowValues));
    await upsertRuns(tx, host, changes.runs ?? [], changes.now);
    if (removed.length > 0) await pruneRuns(tx, host);
    const upserted = (changes.upserts ?? []).map((entry) => entry.path);
    await notifyChange(tx, { host, upserted, removed });
  });
}

/** `deleteCatalogPaths` for this host's rows: each path's own row, else every row below it; then dangling aliases. */
export async function deleteSharedPaths(
  sql: SQL,
  host: string,
  paths: readonly string[],
): Promise<DeletedPath[]> {
  return sql.begin(async (tx) => {
    const deleted: DeletedPath[] = [];
    for (const path of paths) {
      const own = await run(tx, "DELETE FROM checkpoints WHERE host = ? AND path = ? RETURNING path", [
        host,
        path,
      ]);
      const below =
        own.length > 0
          ? []
          : await run(
              tx,
              "DELETE FROM checkpoints WHERE host = ? AND path >= ? AND path < ? RETURNING path",
              [host, `${path}/`, `${path}0`],
            );
      const aliases = await run(
        tx,
        "DELETE FROM checkpoints AS a WHERE a.host = ? AND a.alias_of IS NOT NULL AND NOT EXISTS (SELECT 1 FROM checkpoints AS p WHERE p.host = a.host AND p.path = a.alias_of) RETURNING a.path",
        [host],
      );
      const aliasPaths = aliases.map((row) => String(row["path"]));
      deleted.push({ path, rows: own.length + below.length + aliasPaths.length, aliases: aliasPaths });
    }
    await pruneRuns(tx, host);
    // Rows below a directory went too: not named, so readers read this host's rows again.
    await notifyChange(tx, { host });
    return deleted;
  });
}

/** Records a finished scan of this host: when, how long, and the roots it has covered. */
export async function recordSharedScan(
  sql: SQL,
  host: string,
  scan: { at: string; seconds: number; roots: readonly string[] },
): Promise<void> {
  await sql.begin(async (tx) => {
    const [known] = await run(tx, "SELECT value FROM meta WHERE host = ? AND key = 'roots' FOR UPDATE", [
      host,
    ]);
    const previous: unknown = known === undefined ? [] : JSON.parse(String(known["value"]));
    const roots = new Set([...(Array.isArray(previous) ? previous.map(String) : []), ...scan.roots]);
    const set =
      "INSERT INTO meta (host, key, value) VALUES (?, ?, ?) ON CONFLICT (host, key) DO UPDATE SET value = EXCLUDED.value";
    await run(tx, set, [host, "last_scan_at", scan.at]);
    await run(tx, set, [host, "last_scan_seconds", String(scan.seconds)]);
    await run(tx, set, [host, "roots", JSON.stringify([...roots].sort())]);
  });
}
