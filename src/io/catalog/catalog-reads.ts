import type { Database } from "bun:sqlite";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { META_KEYS } from "../../core/catalog/catalog-schema.ts";
import { type CatalogStats, coveragePercent } from "../../core/catalog/catalog-stats.ts";
import { matchesFilter } from "../../core/catalog/entry-query.ts";
import {
  buildEntrySql,
  ENTRY_COLUMNS,
  type EntrySqlOptions,
  primaryEntriesWhere,
  rootCondition,
  type SqlValue,
} from "../../core/catalog/entry-sql.ts";
import type { ModifiedWindow } from "../../core/catalog/modified-window.ts";
import type { StoredPoint } from "../../core/runs/metric-curve.ts";
import { type EntryRow, entryFromRow } from "./catalog-rows.ts";

/** Entries for `ls` and the TUI: roots, filter, sort and limit; a regex filter is applied here, then the limit. */
export function queryEntries(database: Database, options: EntrySqlOptions): CatalogEntry[] {
  const { sql, params } = buildEntrySql(options);
  const rows = database.query<EntryRow, SqlValue[]>(sql).all(...params);
  return regexFiltered(rows.map(entryFromRow), options);
}

/** The rows of `buildEntrySql` with a regex `--filter` applied, then the limit (SQL cannot apply either). */
export function regexFiltered<T extends CatalogEntry>(entries: T[], options: EntrySqlOptions): T[] {
  const filter = options.filter;
  if (filter?.kind !== "regex") return entries;
  const matched = entries.filter((entry) => matchesFilter(entry, filter));
  return options.limit === undefined ? matched : matched.slice(0, options.limit);
}

/** Entries by exact path, in the order given (missing paths are skipped). */
export function entriesByPath(database: Database, paths: readonly string[]): CatalogEntry[] {
  const statement = database.query<EntryRow, [string]>(
    `SELECT ${ENTRY_COLUMNS.join(", ")} FROM checkpoints WHERE path = ?`,
  );
  return paths.flatMap((path) => {
    const row = statement.get(path);
    return row === null ? [] : [entryFromRow(row)];
  });
}

/** Hard-link and symlink paths of each given primary path. */
export function aliasesOf(database: Database, paths: readonly string[]): Map<string, string[]> {
  const statement = database.query<{ path: string }, [string]>(
    "SELECT path FROM checkpoints WHERE alias_of = ? ORDER BY path",
  );
  const aliases = new Map<string, string[]>();
  for (const path of paths) {
    const found = statement.all(path).map((row) => row.path);
    if (found.length > 0) aliases.set(path, found);
  }
  return aliases;
}

/** What `best` ranks: every primary entry with a primary metric, light columns only. */
export type RankRow = {
  readonly path: string;
  readonly run_dir: string | null;
  readonly primary_canonical: string | null;
  readonly primary_value: number | null;
  readonly primary_higher: number | null;
  readonly epoch: number | null;
  readonly global_step: number | null;
};

export function rankRows(database: Database, roots: readonly string[]): RankRow[] {
  const condition = rootCondition(roots);
  const where = `alias_of IS NULL AND primary_canonical IS NOT NULL${condition === null ? "" : ` AND ${condition.sql}`}`;
  return database
    .query<RankRow, SqlValue[]>(
      `SELECT path, run_dir, primary_canonical, primary_value, primary_higher, epoch, global_step FROM checkpoints WHERE ${where}`,
    )
    .all(...(condition?.params ?? []));
}

function meta(database: Database, key: string): string | null {
  return (
    database.query<{ value: string }, [string]>("SELECT value FROM meta WHERE key = ?").get(key)?.value ??
    null
  );
}

/** The roots every scan so far has covered (`ckpt scan` with no arguments rescans them). */
export function knownRoots(database: Database): string[] {
  const text = meta(database, META_KEYS.roots);
  const parsed: unknown = text === null ? [] : JSON.parse(text);
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

function countsBy(database: Database, column: "framework" | "status", where: string, params: SqlValue[]) {
  const rows = database
    .query<{ name: string; count: number }, SqlValue[]>(
      `SELECT coalesce(${column}, 'unknown') AS name, count(*) AS count FROM checkpoints WHERE ${where} GROUP BY 1`,
    )
    .all(...params);
  return Object.fromEntries(rows.map((row) => [row.name, row.count]));
}

/** How many primary entries lie under the roots: what `ls` tells apart "nothing here" from "all filtered out". */
export function countEntries(database: Database, roots: readonly string[]): number {
  const { sql, params } = primaryEntriesWhere(roots);
  return (
    database
      .query<{ count: number }, SqlValue[]>(`SELECT count(*) AS count FROM checkpoints WHERE ${sql}`)
      .get(...params)?.count ?? 0
  );
}

/**
 * Every metric name logged in the catalog: primary metric names and `additional_metrics` keys. What user-typed
 * metric names are resolved against, and what shell completion offers; read from the rows, never by scanning.
 */
export function loggedMetricNames(database: Database): string[] {
  return database
    .query<{ name: string }, []>(
      `SELECT primary_name AS name FROM checkpoints WHERE primary_name IS NOT NULL
       UNION SELECT metric.key AS name FROM checkpoints, json_each(checkpoints.metrics_json, '$.additional_metrics') AS metric
       WHERE checkpoints.metrics_json IS NOT NULL ORDER BY name`,
    )
    .all()
    .map((row) => row.name);
}

/** Count, metadata coverage, per-framework and per-status counts, bytes and the last scan, under the roots. */
export function catalogStats(
  database: Database,
  options: { roots: readonly string[]; catalog: string; modified?: ModifiedWindow },
): CatalogStats {
  const { sql: where, params: whereParams } = primaryEntriesWhere(options.roots, options.modified);
  const params = [...whereParams];
  const totals = database
    .query<{ count: number; valid: number | null; bytes: number | null; runs: number }, SqlValue[]>(
      `SELECT count(*) AS count, sum(sidecar_state = 'valid') AS valid, sum(size) AS bytes, count(DISTINCT run_dir) AS runs FROM checkpoints WHERE ${where}`,
    )
    .get(...params);
  const count = totals?.count ?? 0;
  const valid = totals?.valid ?? 0;
  return {
    checkpoints: count,
    sidecars_valid: valid,
    metadata_coverage_percent: coveragePercent(valid, count),
    by_framework: countsBy(database, "framework", where, params),
    by_status: countsBy(database, "status", where, params),
    runs: totals?.runs ?? 0,
    total_bytes: totals?.bytes ?? 0,
    last_scan_at: meta(database, META_KEYS.lastScanAt),
    catalog: options.catalog,
  };
}

/** The metric names a run logged, sorted: what its curves are, and what `ckpt metrics --metric` resolves against. */
export function runMetricNames(database: Database, runDir: string): string[] {
  return database
    .query<{ name: string }, [string]>(
      "SELECT DISTINCT name FROM metric_points WHERE run_dir = ? ORDER BY name",
    )
    .all(runDir)
    .map((row) => row.name);
}

/** A run's stored points of the given metrics (all when none given), in file order per metric. */
export function runMetricPoints(
  database: Database,
  runDir: string,
  names?: readonly string[],
): StoredPoint[] {
  const statement = database.query<StoredPoint, [string, string]>(
    "SELECT name, step, epoch, value FROM metric_points WHERE run_dir = ? AND name = ? ORDER BY rowid",
  );
  return (names ?? runMetricNames(database, runDir)).flatMap((name) => statement.all(runDir, name));
}

/** The catalogued run a directory is: its own row in `runs`, else null. */
export function runByDir(database: Database, dir: string): { dir: string; task: string | null } | null {
  return database
    .query<{ dir: string; task: string | null }, [string]>("SELECT dir, task FROM runs WHERE dir = ?")
    .get(dir);
}

/** The runs that primary entries under `root` belong to, sorted. */
export function runDirsUnder(database: Database, root: string): string[] {
  const condition = rootCondition([root]);
  const where = `alias_of IS NULL AND run_dir IS NOT NULL${condition === null ? "" : ` AND ${condition.sql}`}`;
  return database
    .query<{ run_dir: string }, SqlValue[]>(
      `SELECT DISTINCT run_dir FROM checkpoints WHERE ${where} ORDER BY run_dir`,
    )
    .all(...(condition?.params ?? []))
    .map((row) => row.run_dir);
}
