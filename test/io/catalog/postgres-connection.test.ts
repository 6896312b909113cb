// How a client talks to the shared catalog: a query command's one connection sends each statement unnamed (Parse,
// Bind and Execute in one message); a pool (the daemon, the TUI) keeps named prepared statements it reuses.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import type { SQL } from "bun";
import { connectPostgres } from "../../../src/io/catalog/postgres-connection.ts";
import { postgresPerFile } from "../../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

/** Named statements the server holds for the connection that runs this, after one parameterised query on it. */
async function namedAfterOneQuery(sql: SQL): Promise<number> {
  const reserved = await sql.reserve();
  try {
    await reserved.unsafe("SELECT count(*) FROM ckpt_migrations WHERE version >= $1", [1]);
    const [row] = await reserved.unsafe("SELECT count(*)::integer AS n FROM pg_prepared_statements");
    return Number(row?.n ?? -1);
  } finally {
    reserved.release();
  }
}

describe("connectPostgres", () => {
  test("a one-connection client prepares nothing; a pool prepares its statements", async () => {
    const url = await pg.server.createDatabase("statements");
    const single = await connectPostgres(url, { connections: 1 });
    const pooled = await connectPostgres(url, { connections: 2 });
    const named = { single: await namedAfterOneQuery(single), pooled: await namedAfterOneQuery(pooled) };
    await Promise.all([single.close(), pooled.close()]);
    expect(named).toEqual({ single: 0, pooled: 1 });
  });
});
