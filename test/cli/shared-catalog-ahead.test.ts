// run-cli's early open of a query's PostgreSQL connection: when it returns, the connection's start-up message
// has left, so the server sets up the backend while the command's modules load (which never turn the loop).
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { openSharedCatalogAhead } from "../../src/cli/shared-catalog-ahead.ts";
import { POSTGRES_BIN, postgresPerFile } from "../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

/**
 * Waits, without turning this process's event loop (a synchronous child, as module loading is synchronous), until
 * the server has a backend for `database` (a backend has its database once it has read the start-up message);
 * whether it came before the deadline.
 */
function backendSeenWithoutLoopTurn(serverUrl: string, database: string): boolean {
  const query = `SELECT count(*) FROM pg_stat_activity WHERE datname = '${database}'`;
  const poll = Bun.spawnSync([
    "bash",
    "-c",
    'end=$((SECONDS + 20)); until [ "$("$1" -Atc "$2" "$3")" -gt 0 ]; do [ $SECONDS -ge $end ] && exit 1; sleep 0.02; done',
    "bash",
    join(POSTGRES_BIN, "psql"),
    query,
    serverUrl,
  ]);
  return poll.exitCode === 0;
}

describe("openSharedCatalogAhead", () => {
  test("returns once the start-up message is sent: the server has the backend before the loop turns again", async () => {
    const url = await pg.server.createDatabase("ahead_sent");
    const close = await openSharedCatalogAhead(["--catalog", url, "--limit", "5"], {});
    const seen = backendSeenWithoutLoopTurn(pg.server.url, "ahead_sent");
    await close?.();
    expect({ opened: close !== null, seen }).toEqual({ opened: true, seen: true });
  });

  test("opens nothing for a local catalog or --help", async () => {
    const local = await openSharedCatalogAhead(["--catalog", "/tmp/x.db"], {});
    const help = await openSharedCatalogAhead(["--help"], { CKPT_CATALOG: pg.server.url });
    expect({ local, help }).toEqual({ local: null, help: null });
  });
});
