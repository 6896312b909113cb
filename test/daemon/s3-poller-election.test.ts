import { afterAll, afterEach, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SQL } from "bun";
import { daemonEnv, type LogLine } from "../helpers/daemon-process.ts";
import { type PostgresServer, startPostgres } from "../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../helpers/s3-test-server.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const CHECKPOINT = readFileSync(join(realFixtureRoot, "torch/tutorial_checkpoint.pt"));
const mainScript = resolve(import.meta.dir, "../../src/main.ts");
let s3: S3TestServer;
let postgres: PostgresServer;
beforeAll(async () => {
  [s3, postgres] = await Promise.all([startS3TestServer(), startPostgres()]);
});
afterAll(async () => {
  await Promise.all([s3?.stop(), postgres?.stop()]);
});

const cleanups: (() => void)[] = [];
const homes = new Map<string, string>();
let unnamedHomes = 0;

/** A home kept across two runs of one host within a test. */
function homeNamed(name: string): string {
  const known = homes.get(name);
  if (known !== undefined) return known;
  const dir = makeTempDir(`s3-elect-${name}`);
  cleanups.push(() => {
    dir[Symbol.dispose]();
    homes.delete(name);
  });
  homes.set(name, dir.path);
  return dir.path;
}
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

type Host = { readonly name: string; readonly lines: LogLine[]; readonly child: Bun.Subprocess };

/** `ckpt watch PREFIX --catalog postgres://…` as host `name`, with a home (and working catalog) of its own. */
function startHost(name: string, options: { url: string; prefix: string; home?: string }): Host {
  const home = homeNamed(options.home ?? `${name}-${++unnamedHomes}`);
  const env = {
    ...s3.env,
    ...daemonEnv({ home, catalog: join(home, "unused.db") }),
    CKPT_HOST: name,
  };
  const argv = ["watch", options.prefix, "--catalog", options.url, "--poll=0.2", "--log-format", "json"];
  const child = Bun.spawn([process.execPath, mainScript, ...argv], {
    env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  cleanups.push(() => child.kill("SIGKILL"));
  const lines: LogLine[] = [];
  void (async () => {
    let pending = "";
    for await (const chunk of child.stderr) {
      pending += Buffer.from(chunk).toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const part of parts) lines.push(JSON.parse(part) as LogLine);
    }
  })();
  return { name, lines, child };
}

function logged(host: Host, msg: string): LogLine | undefined {
  return host.lines.find((line) => line.msg === msg);
}

async function sharedRows(url: string): Promise<string[][]> {
  const sql = new SQL(url, { max: 1 });
  try {
    const rows = await sql`SELECT host, path FROM checkpoints ORDER BY path, host`.values();
    return rows as string[][];
  } catch (error) {
    // No host has connected yet: the tables are made by the first.
    if (error instanceof Error && "errno" in error && error.errno === "42P01") return [];
    throw error;
  } finally {
    await sql.close();
  }
}

/** Asks the shared catalog until `holds`, with a deadline. */
async function rowsWhen(url: string, holds: (rows: string[][]) => boolean): Promise<string[][]> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const rows = await sharedRows(url);
    if (holds(rows)) return rows;
    if (performance.now() > deadline) throw new Error(`shared rows never matched: ${JSON.stringify(rows)}`);
    await Bun.sleep(20);
  }
}

test("two hosts watching one prefix through a shared catalog: one polls; when it dies the other takes over", async () => {
  const url = await postgres.createDatabase("s3_election");
  const prefix = `s3://${TEST_BUCKET}/elected`;
  await s3.put("elected/a.pt", CHECKPOINT);
  const leader = startHost("gpu-1", { url, prefix });
  await waitFor(() => logged(leader, "polling this prefix"), { what: "gpu-1 leading", timeoutMs: 30_000 });
  expect(await rowsWhen(url, (rows) => rows.length === 1)).toEqual([["gpu-1", `${prefix}/a.pt`]]);

  const follower = startHost("gpu-2", { url, prefix });
  await waitFor(() => logged(follower, "another host polls this prefix; waiting to take over"), {
    what: "gpu-2 waiting",
    timeoutMs: 30_000,
  });
  await s3.put("elected/b.pt", CHECKPOINT);
  expect(await rowsWhen(url, (rows) => rows.length === 2)).toEqual([
    ["gpu-1", `${prefix}/a.pt`],
    ["gpu-1", `${prefix}/b.pt`],
  ]);
  // The waiting host lists nothing: it never indexed a row of its own.
  expect(follower.lines.filter((line) => line.msg === "indexed")).toEqual([]);

  leader.child.kill("SIGKILL");
  await leader.child.exited;
  const takeover = await waitFor(() => logged(follower, "took over polling this prefix"), {
    what: "gpu-2 taking over",
    timeoutMs: 30_000,
  });
  expect(takeover).toMatchObject({ root: prefix, rows_claimed: 2 });
  await s3.put("elected/c.pt", CHECKPOINT);
  expect(
    await rowsWhen(url, (rows) => rows.length === 3 && rows.every(([host]) => host === "gpu-2")),
  ).toEqual([
    ["gpu-2", `${prefix}/a.pt`],
    ["gpu-2", `${prefix}/b.pt`],
    ["gpu-2", `${prefix}/c.pt`],
  ]);
  follower.child.kill("SIGTERM");
  expect(await follower.child.exited).toBe(0);
});

test("a host that polled a prefix and comes back while another polls it publishes none of its old rows", async () => {
  const url = await postgres.createDatabase("s3_election_return");
  const prefix = `s3://${TEST_BUCKET}/returning`;
  await s3.put("returning/a.pt", CHECKPOINT);
  const first = startHost("gpu-1", { url, prefix, home: "gpu-1-home" });
  await rowsWhen(url, (rows) => rows.length === 1);
  first.child.kill("SIGTERM");
  expect(await first.child.exited).toBe(0);
  const second = startHost("gpu-2", { url, prefix });
  await waitFor(() => logged(second, "polling this prefix"), {
    what: "gpu-2 polling",
    timeoutMs: 30_000,
  });
  // The stopped host's row is claimed by the host that polls the prefix now.
  expect(logged(second, "polling this prefix")).toMatchObject({ root: prefix, rows_claimed: 1 });
  expect(await rowsWhen(url, (rows) => rows.length === 1 && rows[0]?.[0] === "gpu-2")).toEqual([
    ["gpu-2", `${prefix}/a.pt`],
  ]);
  // gpu-1 again, with its working catalog still holding the row it indexed: it leaves the prefix to gpu-2.
  const back = startHost("gpu-1", { url, prefix, home: "gpu-1-home" });
  await waitFor(() => logged(back, "rows left to the polling host"), {
    what: "gpu-1 dropping",
    timeoutMs: 30_000,
  });
  await waitFor(() => logged(back, "publishing to the shared catalog"), {
    what: "gpu-1 publishing",
    timeoutMs: 30_000,
  });
  await s3.put("returning/b.pt", CHECKPOINT);
  expect(await rowsWhen(url, (rows) => rows.length === 2)).toEqual([
    ["gpu-2", `${prefix}/a.pt`],
    ["gpu-2", `${prefix}/b.pt`],
  ]);
  expect(logged(back, "rows left to the polling host")).toMatchObject({ root: prefix, rows: 1 });
  // Its publications are done once it exited: none brought its old row back.
  back.child.kill("SIGTERM");
  expect(await back.child.exited).toBe(0);
  expect(await sharedRows(url)).toEqual([
    ["gpu-2", `${prefix}/a.pt`],
    ["gpu-2", `${prefix}/b.pt`],
  ]);
});
