import type { SQL } from "bun";
import { rootCondition } from "../../core/catalog/entry-sql.ts";
import { ADVISORY_SPACE } from "../../core/catalog/postgres-schema.ts";
import { notifyChange, pruneRuns } from "./postgres-catalog-writes.ts";
import { connectPostgres, positional } from "./postgres-connection.ts";

/** The right to poll one key (an S3 prefix) for as long as it is held; other hosts skip the key meanwhile. */
export type PollerLease = {
  readonly key: string;
  /** False once the lease's session is gone (the server restarted, the connection broke): poll no more. */
  stillHeld(): Promise<boolean>;
  /** Gives the key up (also given up when this process or its connection dies). */
  release(): Promise<void>;
};

/**
 * Elects one poller per key among the hosts sharing a catalog, so N daemons do not all list the same bucket
 * prefix: a session-level `pg_try_advisory_lock` held on a connection reserved for the lease. Null when another
 * host holds the key. Needs a session (a direct connection or PgBouncer in session mode): transaction pooling
 * hands the session to others and cannot keep such a lock.
 */
export async function tryLeadPolling(sql: SQL, key: string): Promise<PollerLease | null> {
  const connection = await sql.reserve();
  try {
    const [row] = await connection.unsafe("SELECT pg_try_advisory_lock($1, hashtext($2)) AS held", [
      ADVISORY_SPACE,
      key,
    ]);
    if (row?.held !== true) {
      connection.release();
      return null;
    }
  } catch (error) {
    connection.release();
    throw error;
  }
  return {
    key,
    stillHeld: async () => {
      try {
        const [row] = await connection.unsafe(
          // pg_locks shows the two int4 keys as oids: a negative hash as its unsigned value.
          "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND objsubid = 2 AND classid = ($1::bigint & 4294967295)::oid AND objid = (hashtext($2)::bigint & 4294967295)::oid) AS held",
          [ADVISORY_SPACE, key],
        );
        return row?.held === true;
      } catch {
        return false;
      }
    },
    release: async () => {
      try {
        await connection.unsafe("SELECT pg_advisory_unlock($1, hashtext($2))", [ADVISORY_SPACE, key]);
      } catch {
        // A broken session has let the lock go with it.
      } finally {
        connection.release();
      }
    },
  };
}

/**
 * The poller of a prefix publishes its rows: when a host takes a prefix over, rows other hosts published under it
 * (a poller that died, or lost its session) go, so each object is listed once in the shared catalog. Returns how
 * many rows went.
 */
export async function claimPrefixRows(sql: SQL, options: { host: string; prefix: string }): Promise<number> {
  const condition = rootCondition([options.prefix]);
  if (condition === null) return 0;
  return sql.begin(async (tx) => {
    const gone = await tx.unsafe(
      positional(`DELETE FROM checkpoints WHERE host <> ? AND ${condition.sql} RETURNING host`),
      [options.host, ...condition.params],
    );
    const hosts = new Set([...gone].map((row: { host: string }) => row.host));
    for (const host of hosts) {
      await pruneRuns(tx, host);
      await notifyChange(tx, { host });
    }
    return gone.length;
  });
}

/** One poller per key for a daemon's keys: the leases, and the claim of a prefix's rows on taking it. */
export type PollerElection = {
  lead(key: string): Promise<PollerLease | null>;
  claim(prefix: string): Promise<number>;
  close(): Promise<void>;
};

/**
 * Each key asks for its lease on a pool of its own: a held lease keeps a connection for as long as it lasts, which
 * the shared store's small pool cannot spare per prefix. Claims go through `shared` under this `host`.
 */
export function createPollerElection(options: { url: string; host: string; shared: SQL }): PollerElection {
  const pools = new Map<string, Promise<SQL>>();
  const poolOf = (key: string) => {
    const known = pools.get(key);
    if (known !== undefined) return known;
    // One connection: the lease reserves it, and nothing else is asked of this pool.
    const opened = connectPostgres(options.url, { connections: 1 });
    // A failed connect is tried again at the next ask, not remembered.
    opened.catch(() => pools.delete(key));
    pools.set(key, opened);
    return opened;
  };
  return {
    lead: async (key) => tryLeadPolling(await poolOf(key), key),
    claim: (prefix) => claimPrefixRows(options.shared, { host: options.host, prefix }),
    close: async () => {
      const opened = await Promise.allSettled(pools.values());
      pools.clear();
      await Promise.all(opened.map((pool) => (pool.status === "fulfilled" ? pool.value.close() : undefined)));
    },
  };
}
