import { afterAll, beforeAll } from "bun:test";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";

/** Debian's PostgreSQL 15 (`apt-get install postgresql-15`; `.ci/run` installs it on a fresh machine). */
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

/** A throwaway PostgreSQL: unix socket only in its own temp dir, trust auth, no fsync. */
export type PostgresServer = {
  /** `postgres://postgres@localhost:PORT/postgres?host=SOCKETDIR`: what `--catalog` and `CKPT_CATALOG` take. */
  readonly url: string;
  /** A fresh empty database on this server, for a test that must not see another test's rows. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
};

// The socket's name is `.s.PGSQL.<port>` inside a private directory: two servers never share one.
const PORT = 5432;
const READY_DEADLINE_MS = 30_000;

function asServerUser(command: string[]): string[] {
  return userInfo().uid === 0 ? ["runuser", "-u", "postgres", "--", ...command] : command;
}

async function run(command: string[]): Promise<void> {
  const child = Bun.spawn(asServerUser(command), { stdout: "pipe", stderr: "pipe" });
  const [code, err] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0) throw new Error(`${command.join(" ")} exited ${code}: ${err}`);
}

/** Connects until a query answers or the deadline passes: `pg_ctl -w` returns at "ready", not "accepting". */
async function waitUntilAccepting(url: string): Promise<void> {
  const deadline = performance.now() + READY_DEADLINE_MS;
  for (;;) {
    const sql = new SQL(url, { max: 1, connectionTimeout: 5 });
    try {
      await sql`SELECT 1`;
      return;
    } catch (error) {
      if (performance.now() > deadline) throw new Error(`PostgreSQL at ${url} never answered: ${error}`);
    } finally {
      await sql.close();
    }
    await Bun.sleep(20);
  }
}

/** Starts a server (initdb + pg_ctl start, about 3 s); `stop()` removes it and its files. */
export async function startPostgres(): Promise<PostgresServer> {
  if (!existsSync(join(POSTGRES_BIN, "initdb")))
    throw new Error(`${POSTGRES_BIN}/initdb is missing: apt-get install -y postgresql-15 (as .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), "ckpt-pg-"));
  if (userInfo().uid === 0) {
    const postgres = Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString().trim();
    const group = Bun.spawnSync(["id", "-g", "postgres"]).stdout.toString().trim();
    chownSync(dir, Number(postgres), Number(group));
  }
  const data = join(dir, "data");
  await run([
    join(POSTGRES_BIN, "initdb"),
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  const settings = `-c listen_addresses='' -k ${dir} -p ${PORT} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  await run([
    join(POSTGRES_BIN, "pg_ctl"),
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-t",
    "30",
    "-o",
    settings,
    "start",
  ]);
  const urlOf = (database: string) => `postgres://postgres@localhost:${PORT}/${database}?host=${dir}`;
  const url = urlOf("postgres");
  await waitUntilAccepting(url);
  return {
    url,
    createDatabase: async (name) => {
      const admin = new SQL(url, { max: 1 });
      try {
        await admin.unsafe(`CREATE DATABASE "${name.replaceAll('"', "")}"`);
      } finally {
        await admin.close();
      }
      return urlOf(name);
    },
    stop: async () => {
      try {
        await run([join(POSTGRES_BIN, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * One server for a test file: started before its first test, stopped (its files removed) after its last.
 * `server` throws if asked before the start (a failed `beforeAll`), so a test never runs against nothing.
 */
export function postgresPerFile(): { readonly server: PostgresServer } {
  let started: PostgresServer | undefined;
  beforeAll(async () => {
    started = await startPostgres();
  });
  afterAll(async () => {
    await started?.stop();
  });
  return {
    get server(): PostgresServer {
      if (started === undefined) throw new Error("the test file's PostgreSQL did not start (see beforeAll)");
      return started;
    },
  };
}
