// A query command's one PostgreSQL connection, opened before the command asks for it (run-cli's warm-up):
// taken by the command's own open, closed when nobody takes it, never leaked or doubled.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { SQL } from "bun";
import { connectPostgres, openAhead } from "../../../src/io/catalog/postgres-connection.ts";
import { postgresPerFile } from "../../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

/** Backends connected to `database`, other than the observer's own. */
async function backendsOf(observer: SQL, database: string): Promise<number> {
  const [row] = await observer.unsafe(
    "SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [database],
  );
  return Number(row?.n ?? -1);
}

/** Polls until `database` has `count` other backends; the count it settled on (or the last seen). */
async function settledBackends(observer: SQL, database: string, count: number): Promise<number> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const seen = await backendsOf(observer, database);
    if (seen === count || performance.now() > deadline) return seen;
    await Bun.sleep(10);
  }
}

describe("openAhead", () => {
  test("the command's one-connection open takes the connection opened ahead: one backend, not two", async () => {
    const url = await pg.server.createDatabase("ahead_taken");
    const observer = new SQL(url, { max: 1 });
    openAhead(url);
    const sql = await connectPostgres(url, { connections: 1 });
    const [row] = await sql.unsafe("SELECT count(*)::integer AS n FROM ckpt_migrations");
    const backends = await backendsOf(observer, "ahead_taken");
    await sql.close();
    const afterClose = await settledBackends(observer, "ahead_taken", 0);
    await observer.close();
    expect({ migrations: Number(row?.n) > 0, backends, afterClose }).toEqual({
      migrations: true,
      backends: 1,
      afterClose: 0,
    });
  });

  test("a connection nobody takes is closed by its release; a later open makes its own", async () => {
    const url = await pg.server.createDatabase("ahead_released");
    const observer = new SQL(url, { max: 1 });
    const release = openAhead(url);
    await release();
    const afterRelease = await settledBackends(observer, "ahead_released", 0);
    const sql = await connectPostgres(url, { connections: 1 });
    const answered = (await sql.unsafe("SELECT 1 AS one"))[0]?.one;
    await sql.close();
    await observer.close();
    expect({ afterRelease, answered }).toEqual({ afterRelease: 0, answered: 1 });
  });

  test("an unreachable server: the command's open reports it, as without the warm-up", async () => {
    using dir = makeTempDir("ahead-unreachable");
    const url = `postgres://nobody@localhost:5432/x?host=${dir.path}`;
    const release = openAhead(url);
    const error = await connectPostgres(url, { connections: 1 }).then(
      () => null,
      (caught: unknown) => (caught instanceof Error ? caught.message : String(caught)),
    );
    await release();
    expect(error).toStartWith(`cannot use the shared catalog ${url}: `);
  });
});

describe("run-cli opens a query's connection ahead", () => {
  test("ls with a typo in a flag: exit 2 with the suggestion, and no connection left behind", async () => {
    using dir = makeTempDir("ahead-typo");
    const url = await pg.server.createDatabase("ahead_typo");
    const observer = new SQL(url, { max: 1 });
    const run = await runCliInProcess(["ls", "--catalog", url, "--limt", "5"], {
      cwd: dir.path,
      env: { HOME: dir.path },
    });
    const left = await settledBackends(observer, "ahead_typo", 0);
    await observer.close();
    expect({ ...run, left }).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        "ckpt: ls: unknown option '--limt'. Did you mean '--limit'? Run 'ckpt ls --help' for the options.\n",
      left: 0,
    });
  });

  test("ls through CKPT_CATALOG lists the (empty) shared catalog and closes its one connection", async () => {
    using dir = makeTempDir("ahead-env");
    const url = await pg.server.createDatabase("ahead_env");
    const observer = new SQL(url, { max: 1 });
    const run = await runCliInProcess(["ls", "--json"], {
      cwd: dir.path,
      env: { HOME: dir.path, CKPT_CATALOG: url },
    });
    const left = await settledBackends(observer, "ahead_env", 0);
    await observer.close();
    expect({ exitCode: run.exitCode, stdout: run.stdout, left }).toEqual({
      exitCode: 0,
      stdout: "[]\n",
      left: 0,
    });
  });
});
