// run-cli's early open of a query's PostgreSQL connection: only for a shared catalog, never for --help. Whether it
// saves time depends on the machine's load, so that is measured in bench/shared-catalog-bench.ts, not here; that
// the connection is taken by the command or closed is in test/io/catalog/postgres-open-ahead.test.ts.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { openSharedCatalogAhead } from "../../src/cli/shared-catalog-ahead.ts";
import { postgresPerFile } from "../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

describe("openSharedCatalogAhead", () => {
  test("opens nothing for a local catalog or --help", async () => {
    const local = await openSharedCatalogAhead(["--catalog", "/tmp/x.db"], {});
    const help = await openSharedCatalogAhead(["--help"], { CKPT_CATALOG: pg.server.url });
    expect({ local, help }).toEqual({ local: null, help: null });
  });
});
