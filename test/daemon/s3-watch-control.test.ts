import { afterAll, afterEach, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type DaemonEnvironment, daemonEnv, runCkpt, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../helpers/s3-test-server.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const CHECKPOINT = readFileSync(join(realFixtureRoot, "torch/tutorial_checkpoint.pt"));
const mainScript = resolve(import.meta.dir, "../../src/main.ts");
let server: S3TestServer;
beforeAll(async () => {
  server = await startS3TestServer();
});
afterAll(() => server.stop());

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setUp(prefix: string): DaemonEnvironment {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  return { home: dir.path, catalog: join(dir.path, "state", "catalog.db") };
}

/** The test's XDG dirs, and the keys and endpoint of the in-process S3 server. */
function s3Env(environment: DaemonEnvironment): Record<string, string> {
  return { ...server.env, ...daemonEnv(environment) };
}

function spawnCkpt(environment: DaemonEnvironment, argv: readonly string[]) {
  return Bun.spawn([process.execPath, mainScript, ...argv], {
    env: s3Env(environment),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** The catalog's paths; none while the watcher is still creating it (locked). */
function catalogPaths(catalog: string): string[] {
  try {
    return (
      withCatalog(catalog, (database) =>
        database
          .query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path")
          .all()
          .map((row) => row.path),
      ) ?? []
    );
  } catch {
    return [];
  }
}

async function statusOf(environment: DaemonEnvironment): Promise<Record<string, unknown>> {
  const status = await runCkpt(environment, ["status", "--json", "--catalog", environment.catalog]);
  expect(status.exitCode).toBe(0);
  return JSON.parse(status.stdout) as Record<string, unknown>;
}

/** `ckpt status --json` once `holds` is true of it, asked again until a deadline. */
async function statusWhen(
  environment: DaemonEnvironment,
  holds: (status: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const status = await statusOf(environment);
    if (holds(status)) return status;
    if (performance.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(status)}`);
  }
}

test("watch s3:// answers status, --add, --remove and stop on the catalog's socket", async () => {
  const environment = setUp("s3-watch-control");
  const catalog = ["--catalog", environment.catalog];
  const [a, b] = [`s3://${TEST_BUCKET}/control/a`, `s3://${TEST_BUCKET}/control/b`];
  await server.put("control/a/one.pt", CHECKPOINT);
  await server.put("control/b/two.pt", CHECKPOINT);
  const child = spawnCkpt(environment, ["watch", a, ...catalog, "--poll=0.2", "--log-format", "json"]);
  cleanups.push(() => child.kill("SIGKILL"));
  await waitFor(() => catalogPaths(environment.catalog).includes(`${a}/one.pt`), {
    what: "the first prefix indexed",
    timeoutMs: 30_000,
  });
  const running = await statusWhen(
    environment,
    (status) => (status["prefixes"] as { role: string }[] | undefined)?.[0]?.role === "polling",
  );
  expect(running).toMatchObject({ running: true, pid: child.pid, mode: "list", roots: [a] });
  expect((running["prefixes"] as { root: string; role: string }[]).map((p) => [p.root, p.role])).toEqual([
    [a, "polling"],
  ]);
  const text = await runCkpt(environment, ["status", ...catalog]);
  expect(text.stdout).toContain(`ckpt watch is running (pid ${child.pid}`);
  expect(text.stdout).toContain(`  ${a}: polled here every 0.2 s; last listed`);

  const added = await runCkpt(environment, ["watch", "--add", b, ...catalog]);
  expect(added).toMatchObject({ exitCode: 0, stderr: "" });
  expect(added.stdout).toStartWith(`ckpt watch (pid ${child.pid}) now watches ${b}; caught up: 1 added,`);
  expect(catalogPaths(environment.catalog)).toEqual([`${a}/one.pt`, `${b}/two.pt`]);
  expect((await statusOf(environment))["roots"]).toEqual([a, b]);

  const removed = await runCkpt(environment, ["watch", "--remove", b, ...catalog]);
  expect(removed.stdout).toBe(
    `ckpt watch (pid ${child.pid}): stopped watching ${b}; its checkpoints stay in the catalog\n`,
  );
  expect((await statusOf(environment))["roots"]).toEqual([a]);
  const again = await runCkpt(environment, ["watch", "--remove", b, ...catalog]);
  expect(again.exitCode).toBe(2);
  expect(again.stderr).toContain(`${b} is not watched; watched: ${a}`);

  // A scan of a prefix it does not watch goes through it (it holds the catalog), as for directories.
  await server.put("control/c/three.pt", CHECKPOINT);
  const c = `s3://${TEST_BUCKET}/control/c`;
  const scanned = await spawnCkpt(environment, ["scan", c, ...catalog]);
  const [scanErr, scanCode] = await Promise.all([new Response(scanned.stderr).text(), scanned.exited]);
  expect({ scanCode, scanErr }).toEqual({ scanCode: 0, scanErr: "" });
  expect(catalogPaths(environment.catalog)).toEqual([`${a}/one.pt`, `${b}/two.pt`, `${c}/three.pt`]);
  expect((await statusOf(environment))["roots"]).toEqual([a]);

  const stopped = await runCkpt(environment, ["stop", ...catalog]);
  expect(stopped).toMatchObject({ exitCode: 0, stdout: `stopped ckpt watch (pid ${child.pid})\n` });
  expect(await child.exited).toBe(0);
  expect((await runCkpt(environment, ["status", ...catalog])).exitCode).toBe(3);
});

test("watch s3:// --detach returns once ready; ckpt stop stops it", async () => {
  const environment = setUp("s3-watch-detach");
  const catalog = ["--catalog", environment.catalog];
  const root = `s3://${TEST_BUCKET}/detached`;
  await server.put("detached/one.pt", CHECKPOINT);
  const started = spawnCkpt(environment, ["watch", root, ...catalog, "--poll=0.2", "--detach"]);
  const [stdout, stderr, code] = await Promise.all([
    new Response(started.stdout).text(),
    new Response(started.stderr).text(),
    started.exited,
  ]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  const pid = Number(/pid (\d+)/.exec(stdout)?.[1]);
  cleanups.push(() => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Stopped already.
    }
  });
  await waitFor(() => catalogPaths(environment.catalog).includes(`${root}/one.pt`), {
    what: "the detached watcher indexing the prefix",
    timeoutMs: 30_000,
  });
  expect(await statusOf(environment)).toMatchObject({ pid, mode: "list", state: "ready", roots: [root] });
  const stopped = await runCkpt(environment, ["stop", ...catalog]);
  expect(stopped).toMatchObject({ exitCode: 0, stdout: `stopped ckpt watch (pid ${pid})\n` });
  const log = readFileSync(join(environment.home, "state", "ckpt", "daemon.log"), "utf8");
  expect(log).toContain("indexed");
});
