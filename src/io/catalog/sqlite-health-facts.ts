import type { Database } from "bun:sqlite";
import type { EntryStatus } from "../../core/catalog/catalog-entry.ts";
import type { SqlQuery, SqlValue } from "../../core/catalog/entry-sql.ts";
import { primaryEntriesWhere } from "../../core/catalog/entry-sql.ts";
import type { DeviceFacts, HealthFacts } from "../../core/health/health-facts.ts";
import type { WrittenCheckpoint } from "../../core/health/write-rate.ts";

// Every query walks a small index range or stops at its first row: the device list from the inode index, the
// oldest row from the mtime index, recent rows and live runs from the mtime index, a run's rows from the run index.
// A GROUP BY over the roots' rows read each of 100k wide rows (0.6 s); these take tens of milliseconds.

function deviceOf(database: Database, where: SqlQuery, dev: number): Omit<DeviceFacts, "written"> | null {
  const sample = database
    .query<{ path: string }, SqlValue[]>(
      `SELECT path FROM checkpoints INDEXED BY checkpoints_inode WHERE dev = ? AND ${where.sql} LIMIT 1`,
    )
    .get(dev, ...where.params);
  if (sample === null) return null;
  // Only now the mtime index is walked from its oldest row: this device has rows under the roots, so it stops soon.
  const oldest = database
    .query<{ mtime_ms: number }, SqlValue[]>(
      `SELECT mtime_ms FROM checkpoints INDEXED BY checkpoints_mtime WHERE dev = ? AND ${where.sql} ORDER BY mtime_ms LIMIT 1`,
    )
    .get(dev, ...where.params);
  return oldest === null ? null : { dev, samplePath: sample.path, historyStartMs: oldest.mtime_ms };
}

function devices(database: Database, where: SqlQuery, sinceMs: number): DeviceFacts[] {
  const devs = database.query<{ dev: number }, []>("SELECT DISTINCT dev FROM checkpoints").all();
  const byDev = new Map<number, DeviceFacts>();
  for (const { dev } of devs) {
    const device = deviceOf(database, where, dev);
    if (device !== null) byDev.set(dev, { ...device, written: [] as WrittenCheckpoint[] });
  }
  const recent = database
    .query<{ dev: number; size: number; mtime_ms: number }, SqlValue[]>(
      `SELECT dev, size, mtime_ms FROM checkpoints INDEXED BY checkpoints_mtime WHERE mtime_ms > ? AND ${where.sql}`,
    )
    .all(sinceMs, ...where.params);
  for (const row of recent) byDev.get(row.dev)?.written.push({ bytes: row.size, mtimeMs: row.mtime_ms });
  return [...byDev.values()];
}

function liveRuns(database: Database, where: SqlQuery, liveSinceMs: number): HealthFacts["liveRuns"] {
  const live = database
    .query<{ run_dir: string }, SqlValue[]>(
      `SELECT DISTINCT run_dir FROM checkpoints INDEXED BY checkpoints_mtime WHERE mtime_ms > ? AND run_dir IS NOT NULL AND ${where.sql}`,
    )
    .all(liveSinceMs, ...where.params);
  const statement = database.query<{ path: string; mtime_ms: number; status: EntryStatus }, SqlValue[]>(
    `SELECT path, mtime_ms, status FROM checkpoints WHERE run_dir = ? AND ${where.sql}`,
  );
  return live.map((row) => ({
    runDir: row.run_dir,
    checkpoints: statement.all(row.run_dir, ...where.params).map((checkpoint) => ({
      path: checkpoint.path,
      mtimeMs: checkpoint.mtime_ms,
      status: checkpoint.status,
    })),
  }));
}

/** What the health report needs from the catalog, for the primary checkpoints under `roots` (all when empty). */
export function readHealthFacts(
  database: Database,
  options: { readonly roots: readonly string[]; readonly rateSinceMs: number; readonly liveSinceMs: number },
): HealthFacts {
  const where = primaryEntriesWhere(options.roots);
  return {
    devices: devices(database, where, options.rateSinceMs),
    liveRuns: liveRuns(database, where, options.liveSinceMs),
  };
}
