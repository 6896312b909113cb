import type { SQL } from "bun";
import { type AliasTarget, aliasKey } from "../../core/catalog/alias-key.ts";
import { type CatalogStats, coveragePercent } from "../../core/catalog/catalog-stats.ts";
import { decodeChangeNotice } from "../../core/catalog/change-notice.ts";
import {
  buildEntrySql,
  primaryEntriesWhere,
  rootCondition,
  type SqlQuery,
} from "../../core/catalog/entry-sql.ts";
import type { ModifiedWindow } from "../../core/catalog/modified-window.ts";
import { CHANGE_CHANNEL } from "../../core/catalog/postgres-schema.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import type { StoredPoint } from "../../core/runs/metric-curve.ts";
import { type RankRow, regexFiltered } from "./catalog-reads.ts";
import { type EntryRow, entryFromRow } from "./catalog-rows.ts";
import type { CatalogStore, EntryListing, HostedEntry, RunAt, RunKey } from "./catalog-store.ts";
import { applySharedChanges, deleteSharedPaths, recordSharedScan } from "./postgres-catalog-writes.ts";
import { connectPostgres, queryRows } from "./postgres-connection.ts";
import { redactedUrl } from "./postgres-url.ts";

async function countsBy(sql: SQL, column: "framework" | "status", where: SqlQuery) {
  const rows = await queryRows<{ name: string; count: number }>(
    sql,
    `SELECT coalesce(${column}, 'unknown') AS name, count(*)::integer AS count FROM checkpoints WHERE ${where.sql} GROUP BY 1`,
    where.params,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.count]));
}

async function sharedStats(
  sql: SQL,
  options: { roots: readonly string[]; modified?: ModifiedWindow; name: string },
): Promise<CatalogStats> {
  const where = primaryEntriesWhere(options.roots, options.modified);
  const [totals] = await queryRows<{ count: number; valid: number; bytes: number | null; runs: number }>(
    sql,
    `SELECT count(*)::integer AS count, (count(*) FILTER (WHERE sidecar_state = 'valid'))::integer AS valid, sum(size) AS bytes, count(DISTINCT (host, run_dir)) FILTER (WHERE run_dir IS NOT NULL)::integer AS runs FROM checkpoints WHERE ${where.sql}`,
    where.params,
  );
  const [last] = await queryRows<{ value: string | null }>(
    sql,
    "SELECT max(value) AS value FROM meta WHERE key = 'last_scan_at'",
  );
  const count = totals?.count ?? 0;
  const valid = totals?.valid ?? 0;
  return {
    checkpoints: count,
    sidecars_valid: valid,
    metadata_coverage_percent: coveragePercent(valid, count),
    by_framework: await countsBy(sql, "framework", where),
    by_status: await countsBy(sql, "status", where),
    runs: totals?.runs ?? 0,
    total_bytes: totals?.bytes ?? 0,
    last_scan_at: last?.value ?? null,
    catalog: options.name,
  };
}

async function metricNamesOfRun(sql: SQL, run: RunKey): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    sql,
    "SELECT DISTINCT name FROM metric_points WHERE host = ? AND run_dir = ? ORDER BY name",
    [run.host, run.dir],
  );
  return rows.map((row) => row.name);
}

async function pointsOfRun(sql: SQL, run: RunKey, names?: readonly string[]): Promise<StoredPoint[]> {
  const wanted = names ?? (await metricNamesOfRun(sql, run));
  const points: StoredPoint[] = [];
  for (const name of wanted)
    points.push(
      ...(await queryRows<StoredPoint>(
        sql,
        "SELECT name, step, epoch, value FROM metric_points WHERE host = ? AND run_dir = ? AND name = ? ORDER BY seq",
        [run.host, run.dir, name],
      )),
    );
  return points;
}

async function runsAtShared(sql: SQL, dir: string): Promise<RunAt[]> {
  const own = await queryRows<RunAt>(sql, "SELECT host, dir, task FROM runs WHERE dir = ? ORDER BY host", [
    dir,
  ]);
  if (own.length > 0) return own;
  const under = rootCondition([dir]);
  return queryRows<RunAt>(
    sql,
    `SELECT DISTINCT c.host, c.run_dir AS dir, r.task FROM checkpoints AS c LEFT JOIN runs AS r ON r.host = c.host AND r.dir = c.run_dir WHERE c.alias_of IS NULL AND c.run_dir IS NOT NULL${under === null ? "" : ` AND ${under.sql}`} ORDER BY c.host, dir`,
    under?.params ?? [],
  );
}

/** The row's metadata as its host published it; parsed with the schema (zod), loaded with the first detail. */
async function metadataOf(sql: SQL, entry: HostedEntry, host: string): Promise<CheckpointMetadataV1 | null> {
  const [row] = await queryRows<{ json: string | null }>(
    sql,
    "SELECT metadata_json::text AS json FROM checkpoints WHERE host = ? AND path = ?",
    [entry.host ?? host, entry.path],
  );
  if (typeof row?.json !== "string") return null;
  const { CheckpointMetadataV1: Schema } = await import("../../core/metadata/metadata-schema.ts");
  const parsed = Schema.safeParse(JSON.parse(row.json));
  return parsed.success ? parsed.data : null;
}

async function allKnownRoots(sql: SQL): Promise<string[]> {
  const rows = await queryRows<{ value: string }>(sql, "SELECT value FROM meta WHERE key = 'roots'");
  const roots = rows.flatMap((row) => {
    const parsed: unknown = JSON.parse(row.value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  });
  return [...new Set(roots)].sort();
}

/** A shared catalog whose reads see every host and whose writes are `host`'s rows. */
export type PostgresCatalogStore = CatalogStore & { readonly sql: SQL };

async function listShared(sql: SQL, listing: EntryListing): Promise<HostedEntry[]> {
  const query = { ...listing, dialect: "postgres" as const };
  const built = buildEntrySql(query);
  const rows = await queryRows<EntryRow & { host: string }>(sql, built.sql, built.params);
  return regexFiltered(
    rows.map((row): HostedEntry => ({ ...entryFromRow(row), host: row.host })),
    query,
  );
}

async function countShared(sql: SQL, roots: readonly string[]): Promise<number> {
  const where = primaryEntriesWhere(roots);
  const [row] = await queryRows<{ count: number }>(
    sql,
    `SELECT count(*)::integer AS count FROM checkpoints WHERE ${where.sql}`,
    where.params,
  );
  return row?.count ?? 0;
}

/**
 * The aliases of each entry on its own host (another host may hold the same path), in one query: the entries go
 * to the server as one JSON array.
 */
async function aliasesShared(
  sql: SQL,
  entries: readonly AliasTarget[],
  host: string,
): Promise<Map<string, string[]>> {
  const aliases = new Map<string, string[]>();
  if (entries.length === 0) return aliases;
  const wanted = entries.map((entry) => ({ host: entry.host ?? host, path: entry.path }));
  const rows = await queryRows<{ host: string; primary_path: string; path: string }>(
    sql,
    "SELECT c.host, c.alias_of AS primary_path, c.path FROM checkpoints AS c JOIN jsonb_to_recordset(CAST(? AS text)::jsonb) AS w(host text, path text) ON c.host = w.host AND c.alias_of = w.path ORDER BY c.path",
    [JSON.stringify(wanted)],
  );
  for (const row of rows) {
    const key = aliasKey({ host: row.host, path: row.primary_path });
    aliases.set(key, [...(aliases.get(key) ?? []), row.path]);
  }
  // Keyed as the caller's entries are: an entry that names no host is this host's.
  return new Map(
    entries.flatMap((entry): [string, string[]][] => {
      const found = aliases.get(aliasKey({ host: entry.host ?? host, path: entry.path }));
      return found === undefined ? [] : [[aliasKey(entry), found]];
    }),
  );
}

async function rankShared(sql: SQL, roots: readonly string[]): Promise<RankRow[]> {
  const where = primaryEntriesWhere(roots);
  return queryRows<RankRow>(
    sql,
    `SELECT path, run_dir, primary_canonical, primary_value, primary_higher, epoch, global_step FROM checkpoints WHERE ${where.sql} AND primary_canonical IS NOT NULL`,
    where.params,
  );
}

async function loggedNames(sql: SQL): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    sql,
    `SELECT primary_name AS name FROM checkpoints WHERE primary_name IS NOT NULL
     UNION SELECT jsonb_object_keys(metrics_json -> 'additional_metrics') AS name FROM checkpoints
     WHERE jsonb_typeof(metrics_json -> 'additional_metrics') = 'object' ORDER BY name`,
  );
  return rows.map((row) => row.name);
}

/**
 * The hosts with rows: one step down the primary key (host, path) per host, each starting past the last, instead
 * of `DISTINCT` over every row (`ls --host` at 100k rows read them all to find 8 names).
 */
async function hostsOf(sql: SQL): Promise<string[]> {
  const rows = await queryRows<{ host: string }>(
    sql,
    `WITH RECURSIVE found (host) AS (
       (SELECT host FROM checkpoints ORDER BY host LIMIT 1)
       UNION ALL
       SELECT (SELECT c.host FROM checkpoints AS c WHERE c.host > found.host ORDER BY c.host LIMIT 1)
       FROM found WHERE found.host IS NOT NULL)
     SELECT host FROM found WHERE host IS NOT NULL ORDER BY host`,
  );
  return rows.map((row) => row.host);
}

/**
 * The shared catalog in PostgreSQL behind the `CatalogStore` interface. Connecting migrates the schema; every
 * write transaction ends in `pg_notify`, so `onChange` subscribers (TUIs) wake on commit instead of polling.
 */
export async function openPostgresCatalogStore(
  url: string,
  options: { host: string; readonly connections?: number },
): Promise<PostgresCatalogStore> {
  const sql = await connectPostgres(
    url,
    options.connections === undefined ? {} : { connections: options.connections },
  );
  const { host } = options;
  const name = redactedUrl(url);
  return {
    kind: "postgres",
    name,
    host,
    sql,
    listEntries: (listing) => listShared(sql, listing),
    countEntries: (roots) => countShared(sql, roots),
    aliasesOf: (entries) => aliasesShared(sql, entries, host),
    rankRows: (roots) => rankShared(sql, roots),
    stats: (query) => sharedStats(sql, { ...query, name }),
    loggedMetricNames: () => loggedNames(sql),
    runMetricNames: (run) => metricNamesOfRun(sql, run),
    runMetricPoints: (run, names) => pointsOfRun(sql, run, names),
    runsAt: (dir) => runsAtShared(sql, dir),
    storedMetadata: (entry) => metadataOf(sql, entry, host),
    knownRoots: () => allKnownRoots(sql),
    hosts: () => hostsOf(sql),
    applyChanges: (changes) => applySharedChanges(sql, host, changes),
    deletePaths: (paths) => deleteSharedPaths(sql, host, paths),
    recordScan: (scan) => recordSharedScan(sql, host, scan),
    onChange: async (listener) => {
      const subscription = await sql.listen(CHANGE_CHANNEL, (payload) =>
        listener(decodeChangeNotice(payload)),
      );
      return () => subscription.unlisten();
    },
    close: () => sql.close(),
  };
}
