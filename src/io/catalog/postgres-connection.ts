import { SQL } from "bun";
import type { SqlValue } from "../../core/catalog/entry-sql.ts";
import { ADVISORY_SPACE, MIGRATIONS_TABLE, POSTGRES_MIGRATIONS } from "../../core/catalog/postgres-schema.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { connectionOptions, redactedUrl } from "./postgres-url.ts";

/** `?` placeholders (as `entry-sql.ts` writes them for both databases) as PostgreSQL's `$1, $2…`. */
export function positional(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** Runs one statement with `?` placeholders and returns its rows. */
export async function queryRows<T>(sql: SQL, text: string, params: readonly SqlValue[] = []): Promise<T[]> {
  const rows = await sql.unsafe(positional(text), [...params]);
  return [...rows] as T[];
}

/** Applies the migrations not yet applied, one transaction each, under a lock so two hosts never race. */
async function migrate(sql: SQL): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe("SELECT pg_advisory_xact_lock($1, 0)", [ADVISORY_SPACE]);
    await tx.unsafe(MIGRATIONS_TABLE);
    const applied = new Set(
      [...(await tx.unsafe("SELECT version FROM ckpt_migrations"))].map((row) => Number(row.version)),
    );
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.unsafe(statement);
      await tx.unsafe("INSERT INTO ckpt_migrations (version) VALUES ($1)", [migration.version]);
    }
  });
}

/** The newest migration this ckpt knows: a catalog migrated further by a newer ckpt is refused. */
const KNOWN_VERSION = Math.max(...POSTGRES_MIGRATIONS.map((migration) => migration.version));

/** The newest migration applied, 0 when none (no table yet); one round trip, no lock. */
async function appliedVersion(sql: SQL): Promise<number> {
  try {
    const [row] = await sql.unsafe("SELECT max(version) AS version FROM ckpt_migrations");
    return Number(row?.version ?? 0);
  } catch {
    // No table yet (or no permission to read it): `migrate` creates it or says why it cannot.
    return 0;
  }
}

function refuseNewer(version: number, name: string): void {
  if (version > KNOWN_VERSION)
    throw new AppError(
      "io",
      `the shared catalog ${name} has schema version ${version}, newer than this ckpt's ${KNOWN_VERSION}; upgrade ckpt on this host`,
    );
}

function parsedOptions(url: string): ReturnType<typeof connectionOptions> {
  try {
    return connectionOptions(url);
  } catch {
    throw new AppError(
      "usage",
      `${redactedUrl(url)} is not a PostgreSQL URL ckpt can read; write it as postgres://USER@HOST:PORT/DATABASE (a unix socket: ?host=/run/postgresql)`,
    );
  }
}

/**
 * A client whose first query opens its connections; errors name the server and what to do. A one-connection
 * client is a query command's, which runs each statement once: a named prepared statement would cost it a round
 * trip (Parse and Describe answered before Bind and Execute) and save nothing, so its statements go unnamed, all
 * in one message.
 */
function newClient(url: string, connections: number): SQL {
  const options = parsedOptions(url);
  const prepare = options.prepare && connections > 1;
  return new SQL(options.url, { prepare, max: connections, connectionTimeout: 10 });
}

/** The first round trip: the schema is current (the usual case), else migrate under the lock and look again. */
async function readySchema(sql: SQL, url: string): Promise<SQL> {
  try {
    const found = await appliedVersion(sql);
    refuseNewer(found, redactedUrl(url));
    if (found < KNOWN_VERSION) {
      await migrate(sql);
      refuseNewer(await appliedVersion(sql), redactedUrl(url));
    }
    return sql;
  } catch (error) {
    await sql.close();
    if (error instanceof AppError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new AppError(
      "io",
      `cannot use the shared catalog ${redactedUrl(url)}: ${why}; check the server is running and the URL (user, host, database) in --catalog or CKPT_CATALOG`,
    );
  }
}

/**
 * One-connection clients opened before the command asked (`openAhead`), by URL: the server forks the backend
 * while the command's own modules load. The first `connectPostgres` of that URL with one connection takes it.
 */
const openedAhead = new Map<string, { readonly sql: SQL; readonly ready: Promise<SQL> }>();

/**
 * Starts the one connection a query command will open, now; returns what closes it if the command never takes
 * it (a usage error, `--help`), without waiting for the server.
 */
export function openAhead(url: string): () => Promise<void> {
  const sql = newClient(url, 1);
  const ready = readySchema(sql, url);
  // Not awaited here: the command's own open awaits it, and sees its error; unclaimed, nobody does.
  ready.catch(() => undefined);
  openedAhead.set(url, { sql, ready });
  return async () => {
    if (openedAhead.get(url)?.sql !== sql) return;
    openedAhead.delete(url);
    await sql.close();
  };
}

/**
 * Connects to the shared catalog and brings its schema up to date; errors name the server and what to do.
 * `connections` is the pool's size, all opened at once (each a server backend forked): a command that asks its
 * queries one after another takes 1 (a new backend costs a `ckpt ls` more than its query); the daemon and the TUI
 * keep 4 (LISTEN, publication and reads side by side).
 */
export async function connectPostgres(
  url: string,
  pool: { readonly connections?: number } = {},
): Promise<SQL> {
  const connections = pool.connections ?? 4;
  const ahead = connections === 1 ? openedAhead.get(url) : undefined;
  if (ahead !== undefined) {
    openedAhead.delete(url);
    return await ahead.ready;
  }
  return await readySchema(newClient(url, connections), url);
}
