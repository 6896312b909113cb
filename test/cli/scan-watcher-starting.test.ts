// `ckpt scan` (a real child process) while a watcher holds the catalog lock but has not bound its control socket
// yet: the moment between `startDaemonLoop` taking the lock and the socket answering, held open by the test.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { daemonPathsFor } from "../../src/cli/daemon-socket.ts";
import type { ControlServer } from "../../src/daemon/control-socket.ts";
import { createDaemonControl, serveDaemonControl } from "../../src/daemon/daemon-control.ts";
import { type DaemonLoop, startDaemonLoop } from "../../src/daemon/daemon-loop.ts";
import { createLogger } from "../../src/io/process/logger.ts";
import { ckptMainScript } from "../helpers/ckpt-child.ts";
import { daemonEnv } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test("a watcher that took the lock and has no socket yet is waited for, then asked; the scan succeeds", async () => {
  const dir = makeTempDir("scan-watcher-starting");
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  const outside = join(dir.path, "outside");
  mkdirSync(join(runs, "exp"), { recursive: true });
  mkdirSync(join(outside, "exp"), { recursive: true });
  writeFileSync(join(runs, "exp", "a.ckpt"), torchZipBytes({ fill: 1 }));
  writeFileSync(join(outside, "exp", "b.ckpt"), torchZipBytes({ fill: 2 }));
  const catalog = join(dir.path, "catalog.db");
  const env = daemonEnv({ home: dir.path, catalog });
  const logger = createLogger({ sink: { write: () => {}, isTTY: false }, format: "text", now: Date.now });

  // The lock is taken with this process's pid (alive), as the TUI's embedded watcher takes it.
  const started = startDaemonLoop({
    roots: [runs],
    catalogPath: catalog,
    sidecars: "read",
    logger,
    now: Date.now,
    pid: process.pid,
    version: "test",
    lowerPriority: false,
  });
  if (!started.success) throw new Error("the test could not start the daemon loop");
  const loop: DaemonLoop = started.data;
  cleanups.push(() => loop.stop());

  const stderrFile = join(dir.path, "scan-stderr.txt");
  const scan = Bun.spawn(
    [process.execPath, ckptMainScript, "scan", outside, "--catalog", catalog, "--json"],
    {
      cwd: dir.path,
      env,
      stdout: "pipe",
      stderr: Bun.file(stderrFile),
    },
  );
  cleanups.push(() => {
    scan.kill();
    return scan.exited;
  });
  const stderr = () => readFileSync(stderrFile, "utf8");
  await waitFor(() => stderr().includes("is starting; waiting for its control socket"), {
    what: "the scan to wait for the starting watcher",
    timeoutMs: 60_000,
  });
  expect(stderr()).toContain(`ckpt watch (pid ${process.pid}) took the catalog at `);

  // Only now does the socket answer, with the handlers `ckpt watch` and the TUI serve.
  const control = createDaemonControl({
    loop,
    roots: [runs],
    logger,
    stop: () => ({ ok: false, message: "the test's watcher" }),
  });
  const uid = process.getuid?.() ?? 0;
  const server: ControlServer | null = await serveDaemonControl({
    control,
    paths: daemonPathsFor({ env }, catalog, uid),
    uid,
    logger,
  });
  if (server === null) throw new Error("the test could not serve the control socket");
  cleanups.push(() => server.close());

  const exitCode = await scan.exited;
  const output = await new Response(scan.stdout).text();
  // Its only stderr line is the wait's.
  expect({ exitCode, stderr: stderr().trimEnd().split("\n") }).toEqual({
    exitCode: 0,
    stderr: [expect.stringContaining("is starting; waiting for its control socket")],
  });
  // The directory it does not watch was scanned by the watcher, for the scan, into the catalog the watcher holds.
  expect(JSON.parse(output)).toMatchObject({ added: 1, failed: 0, daemon: { pid: process.pid } });
});
