import type { Database } from "bun:sqlite";
import type { EntryStatus } from "../../core/catalog/catalog-entry.ts";
import type { SqlQuery, SqlValue } from "../../core/catalog/entry-sql.ts";
import type { DeviceFacts, HealthFacts } from "../../core/health/health-facts.ts";
import type { WrittenCheckpoint } from "../../core/health/write-rate.ts";
import { primaryEntriesWhere } from "../catalog-reads.ts";

function devices(database: Database, where: SqlQuery, sinceMs: number): DeviceFacts[] {
  const rows = database
    .query<{ dev: number; sample: string; start: number }, SqlValue[]>(
      `SELECT dev, min(path) AS sample, min(mtime_ms) AS start FROM checkpoints WHERE ${where.sql} GROUP BY dev`,
    )
    .all(...where.params);
  const byDev = new Map(
    rows.map((row) => [
      row.dev,
      { dev: row.dev, samplePath: row.sample, historyStartMs: row.start, written: [] as WrittenCheckpoint[] },
    ]),
  );
  const recent = database
    .query<{ dev: number; size: number; mtime_ms: number }, SqlValue[]>(
      `SELECT dev, size, mtime_ms FROM checkpoints WHERE ${where.sql} AND mtime_ms > ?`,
    )
    .all(...where.params, sinceMs);
  for (const row of recent) byDev.get(row.dev)?.written.push({ bytes: row.size, mtimeMs: row.mtime_ms });
  return [...byDev.values()];
}

function runs(database: Database, where: SqlQuery, liveSinceMs: number) {
  const newest = database
    .query<{ run_dir: string; newest: number }, SqlValue[]>(
      `SELECT run_dir, max(mtime_ms) AS newest FROM checkpoints WHERE ${where.sql} AND run_dir IS NOT NULL GROUP BY run_dir`,
    )
    .all(...where.params);
  const live = newest.filter((row) => row.newest > liveSinceMs);
  const statement = database.query<{ path: string; mtime_ms: number; status: EntryStatus }, SqlValue[]>(
    `SELECT path, mtime_ms, status FROM checkpoints WHERE ${where.sql} AND run_dir = ?`,
  );
  const liveRuns = live.map((row) => ({
    runDir: row.run_dir,
    checkpoints: statement.all(...where.params, row.run_dir).map((checkpoint) => ({
      path: checkpoint.path,
      mtimeMs: checkpoint.mtime_ms,
      status: checkpoint.status,
    })),
  }));
  return { liveRuns, endedRuns: newest.length - live.length };
}

/** What the health report needs from the catalog, for the primary checkpoints under `roots` (all when empty). */
export function readHealthFacts(
  database: Database,
  options: { readonly roots: readonly string[]; readonly rateSinceMs: number; readonly liveSinceMs: number },
): HealthFacts {
  const where = primaryEntriesWhere(options.roots);
  return {
    devices: devices(database, where, options.rateSinceMs),
    ...runs(database, where, options.liveSinceMs),
  };
}
