import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sendControlCommand } from "../../src/daemon/control-socket.ts";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  startDaemon,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

// Issue 14, item 7: a stop (SIGTERM, SIGINT, `ckpt stop`) is honoured within 5 s whatever the daemon is doing.
// Each test puts a real daemon in one busy state and measures from the request to the process's exit.

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const STOP_WITHIN_MS = 5000;
/** Processes that read thousands of files on a loaded 2-core machine. */
const BUSY_TEST_TIMEOUT_MS = 240_000;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setUp(prefix: string): { environment: DaemonEnvironment; dir: string } {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  return { environment: { home: dir.path, catalog: join(dir.path, "state", "catalog.db") }, dir: dir.path };
}

/** `count` small complete checkpoints, 100 to a run directory; returns the run directories. */
function writeRuns(root: string, count: number, bytes = torchZipBytes({ storageBytes: 16 })): string[] {
  const runs: string[] = [];
  for (let index = 0; index < count; index++) {
    if (index % 100 === 0) {
      runs.push(join(root, `run${runs.length}`));
      mkdirSync(runs.at(-1) ?? root, { recursive: true });
    }
    writeFileSync(join(runs.at(-1) ?? root, `epoch=${index}.pt`), bytes);
  }
  return runs;
}

type StopHow = "SIGTERM" | "SIGINT" | "ckpt stop";

/** The daemon's control socket (one per catalog, under the test's XDG_RUNTIME_DIR). */
function socketOf(environment: DaemonEnvironment): string {
  const dir = join(environment.home, "rt", "ckpt");
  const name = readdirSync(dir).find((entry) => entry.endsWith(".sock"));
  return join(dir, name ?? "daemon.sock");
}

/** Asks the daemon to stop the given way; resolves with its exit code and the milliseconds it took. */
async function stopTimed(daemon: DaemonProcess, how: StopHow, environment: DaemonEnvironment) {
  const socketPath = how === "ckpt stop" ? socketOf(environment) : "";
  const asked = performance.now();
  if (how === "ckpt stop") {
    // `ckpt stop`'s request, sent from here: a CLI process's own start-up is not the daemon's latency.
    const reply = await sendControlCommand({ socketPath, request: "stop", timeoutMs: 120_000 });
    expect(reply).toEqual({ success: true, data: { ok: true, message: "stopping" } });
  } else daemon.process.kill(how);
  const code = await daemon.process.exited;
  return {
    code,
    ms: performance.now() - asked,
    stopping: daemon.lines.find((line) => line.msg === "stopping"),
  };
}

function rowsUnder(environment: DaemonEnvironment, root: string): number | null | undefined {
  return withCatalog(
    environment.catalog,
    (database) =>
      database
        .query<{ n: number }, [string, string]>(
          "SELECT count(*) AS n FROM checkpoints WHERE path >= ? AND path < ?",
        )
        .get(`${root}/`, `${root}0`)?.n,
  );
}

const problems = (daemon: DaemonProcess) => [
  ...daemon.other,
  ...daemon.lines.filter((line) => line.level === "error").map((line) => JSON.stringify(line)),
];

describe("ckpt watch honours a stop within 5 s", () => {
  test(
    "rm -rf of 3,000 of 8,000 watched checkpoints: SIGTERM and `ckpt stop` mid-burst; the next start drops the rest",
    async () => {
      const { environment, dir } = setUp("stop-deletion");
      const root = join(dir, "runs");
      const first = writeRuns(join(root, "a"), 3000);
      const second = writeRuns(join(root, "b"), 3000);
      // Rows that stay: each removal used to scan the whole table, so a burst's length grew with the catalog.
      writeRuns(join(root, "c"), 2000);
      const args = ["--sidecars", "off"];
      for (const [runs, how] of [
        [first, "SIGTERM"],
        [second, "ckpt stop"],
      ] as const) {
        const daemon = await startDaemonReady(environment, [root], args);
        cleanups.push(() => daemon.process.kill("SIGKILL"));
        const removal = Bun.spawn(["rm", "-rf", ...runs]);
        await daemon.waitForLog((line) => line.msg === "checkpoint removed", "the burst under way", 120_000);
        const stopped = await stopTimed(daemon, how, environment);
        await removal.exited;
        expect({
          code: stopped.code,
          reason: stopped.stopping?.["reason"],
          problems: problems(daemon),
        }).toEqual({
          code: 0,
          reason: how,
          problems: [],
        });
        expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
      }
      // What the stops left is the next start's catch-up: every row under the removed runs goes.
      const again = await startDaemonReady(environment, [root], args);
      cleanups.push(() => again.process.kill("SIGKILL"));
      expect(["a", "b", "c"].map((name) => rowsUnder(environment, join(root, name)))).toEqual([0, 0, 2000]);
      expect((await stopTimed(again, "SIGINT", environment)).code).toBe(0);
    },
    BUSY_TEST_TIMEOUT_MS,
  );

  test(
    "SIGINT while the start-up reconcile reads 1,500 new checkpoints: it ends after the read in hand",
    async () => {
      const { environment, dir } = setUp("stop-reconcile");
      const root = join(dir, "runs");
      writeRuns(root, 1500);
      const daemon = startDaemon(environment, [root]);
      cleanups.push(() => daemon.process.kill("SIGKILL"));
      await daemon.waitForLog((line) => line.msg === "checkpoint indexed", "reading under way", 120_000);
      const stopped = await stopTimed(daemon, "SIGINT", environment);
      expect({
        code: stopped.code,
        reason: stopped.stopping?.["reason"],
        problems: problems(daemon),
      }).toEqual({
        code: 0,
        reason: "SIGINT",
        problems: [],
      });
      expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
      expect(daemon.lines.some((line) => line.msg === "reconciled")).toBe(false);
    },
    BUSY_TEST_TIMEOUT_MS,
  );

  test(
    "`ckpt stop` while 1,000 files being written are settling",
    async () => {
      const { environment, dir } = setUp("stop-settle");
      const root = join(dir, "runs");
      mkdirSync(root);
      const daemon = await startDaemonReady(environment, [root]);
      cleanups.push(() => daemon.process.kill("SIGKILL"));
      // Half a zip each: incomplete, so each is looked at again and again with backoff.
      const bytes = torchZipBytes({ storageBytes: 16 });
      writeRuns(root, 1000, bytes.subarray(0, bytes.length / 2));
      await waitFor(
        () => daemon.lines.filter((line) => line.msg === "checkpoint being written").length >= 500,
        {
          what: "500 files settling",
          timeoutMs: 120_000,
        },
      );
      const stopped = await stopTimed(daemon, "ckpt stop", environment);
      expect({ code: stopped.code, problems: problems(daemon) }).toEqual({ code: 0, problems: [] });
      expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
    },
    BUSY_TEST_TIMEOUT_MS,
  );
});
