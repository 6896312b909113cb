import type { SQL } from "bun";
import type { SqlValue } from "../../core/catalog/entry-sql.ts";
import { notifyChange, pruneRuns, upsertRowValues } from "./postgres-catalog-writes.ts";
import { positional } from "./postgres-connection.ts";
import { type LocalRun, ROW_SIGNATURE } from "./sqlite-host-rows.ts";

// The shared catalog's side of publishing one host's rows (see `host-publisher.ts`).

async function rowsOf(sql: SQL, text: string, params: readonly SqlValue[]) {
  return [...(await sql.unsafe(positional(text), [...params]))] as SqlValue[][];
}

/** This host's rows' signatures in the shared catalog, by path (as `localRowSignatures` computes them). */
export async function sharedRowSignatures(sql: SQL, host: string): Promise<Map<string, string>> {
  const rows = await sql
    .unsafe(positional(`SELECT path, ${ROW_SIGNATURE.join(", ")} FROM checkpoints WHERE host = ?`), [host])
    .values();
  return new Map(
    (rows as SqlValue[][]).map(([path, ...signature]) => [String(path), JSON.stringify(signature)]),
  );
}

/** This host's runs' `updated_at` and points fingerprint, by directory. */
export async function sharedRunStamps(sql: SQL, host: string): Promise<Map<string, string>> {
  const rows = await sql
    .unsafe(positional("SELECT dir, updated_at, points_fingerprint FROM runs WHERE host = ?"), [host])
    .values();
  return new Map(
    (rows as SqlValue[][]).map(([dir, at, print]) => [String(dir), JSON.stringify([at, print])]),
  );
}

/** One host's publication: changed rows, gone paths, changed runs (points when their fingerprint moved). */
export type HostSync = {
  readonly rows: readonly SqlValue[][];
  readonly removed: readonly string[];
  readonly runs: readonly { readonly run: LocalRun; readonly points: readonly SqlValue[][] | null }[];
  readonly removedRuns: readonly string[];
};

async function putRun(tx: SQL, host: string, update: HostSync["runs"][number]): Promise<void> {
  const { run, points } = update;
  await rowsOf(
    tx,
    "INSERT INTO runs (host, dir, exp_name, task, config_path, wandb_run_id, updated_at, points_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host, dir) DO UPDATE SET exp_name = EXCLUDED.exp_name, task = EXCLUDED.task, config_path = EXCLUDED.config_path, wandb_run_id = EXCLUDED.wandb_run_id, updated_at = EXCLUDED.updated_at, points_fingerprint = EXCLUDED.points_fingerprint",
    [
      host,
      run.dir,
      run.exp_name,
      run.task,
      run.config_path,
      run.wandb_run_id,
      run.updated_at,
      run.points_fingerprint,
    ],
  );
  if (points === null) return;
  await rowsOf(tx, "DELETE FROM metric_points WHERE host = ? AND run_dir = ?", [host, run.dir]);
  for (let start = 0; start < points.length; start += 1000) {
    const batch = points.slice(start, start + 1000);
    const values = batch.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
    const params = batch.flatMap((point, offset) => [host, run.dir, start + offset, ...point]);
    await rowsOf(
      tx,
      `INSERT INTO metric_points (host, run_dir, seq, name, step, epoch, value, wall_time) VALUES ${values}`,
      params,
    );
  }
}

/** Applies one host's publication in one transaction, which wakes every listening reader on commit. */
export async function applyHostSync(sql: SQL, host: string, sync: HostSync): Promise<void> {
  await sql.begin(async (tx) => {
    for (let start = 0; start < sync.removed.length; start += 1000) {
      const batch = sync.removed.slice(start, start + 1000);
      const list = batch.map(() => "?").join(", ");
      await rowsOf(tx, `DELETE FROM checkpoints WHERE host = ? AND path IN (${list})`, [host, ...batch]);
    }
    await upsertRowValues(tx, host, sync.rows);
    for (const update of sync.runs) await putRun(tx, host, update);
    for (const dir of sync.removedRuns)
      await rowsOf(tx, "DELETE FROM runs WHERE host = ? AND dir = ?", [host, dir]);
    if (sync.removedRuns.length > 0) await pruneRuns(tx, host);
    const upserted = sync.rows.map((values) => String(values[0]));
    await notifyChange(tx, { host, upserted, removed: sync.removed });
  });
}
