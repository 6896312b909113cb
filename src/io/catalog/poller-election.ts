import type { SQL } from "bun";
import { ADVISORY_SPACE } from "../../core/catalog/postgres-schema.ts";

/** The right to poll one key (an S3 prefix) for as long as it is held; other hosts skip the key meanwhile. */
export type PollerLease = {
  readonly key: string;
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
      await connection.release();
      return null;
    }
  } catch (error) {
    await connection.release();
    throw error;
  }
  return {
    key,
    release: async () => {
      try {
        await connection.unsafe("SELECT pg_advisory_unlock($1, hashtext($2))", [ADVISORY_SPACE, key]);
      } finally {
        await connection.release();
      }
    },
  };
}
