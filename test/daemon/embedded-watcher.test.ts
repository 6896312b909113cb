import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TextSink } from "../../src/cli/command.ts";
import { requestControl, sendControlCommand } from "../../src/daemon/control-socket.ts";
import { startEmbeddedWatcher } from "../../src/daemon/embedded-watcher.ts";
import { tryLockCatalog } from "../../src/io/catalog/catalog-lock.ts";
import { withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tree(): { runs: string; catalog: string } {
  const dir = makeTempDir("embedded");
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs", "exp");
  mkdirSync(runs, { recursive: true });
  return { runs: join(dir.path, "runs"), catalog: join(dir.path, "catalog.db") };
}

describe("startEmbeddedWatcher", () => {
  test("the daemon loop in-process: catches up at start, indexes new checkpoints, drops removed ones, stops cleanly", async () => {
    const { runs, catalog } = tree();
    writeFileSync(join(runs, "exp", "old.ckpt"), torchZipBytes({ fill: 1 }));
    const events: string[] = [];
    const logged: string[] = [];
    const sink: TextSink = { write: (text) => void logged.push(text), isTTY: false };
    const watcher = await startEmbeddedWatcher([runs], catalog, {
      onEvent: (line) => events.push(line),
      sink,
      sidecars: "write",
    });
    cleanups.push(() => watcher.stop());
    const paths = () =>
      withCatalog(catalog, (db) =>
        db.query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path").all(),
      )?.map((row) => row.path) ?? [];
    await waitFor(() => paths().length === 1, { what: "old.ckpt caught up" });
    writeFileSync(join(runs, "exp", "new.ckpt"), torchZipBytes({ fill: 2 }));
    await waitFor(() => paths().length === 2, { what: "new.ckpt indexed" });
    expect(events).toContain("checkpoint indexed new.ckpt");
    expect(existsSync(join(runs, "exp", "new.metadata.yaml"))).toBe(true);
    // Top-k rotation: the entry and the sidecar we wrote go; a user's sidecar stays with its file gone.
    copyFileSync(
      join(import.meta.dir, "../fixtures/sidecars/python-callback.metadata.yaml"),
      join(runs, "exp", "user.metadata.yaml"),
    );
    writeFileSync(join(runs, "exp", "user.ckpt"), torchZipBytes({ fill: 3 }));
    await waitFor(() => paths().length === 3, { what: "user.ckpt indexed" });
    unlinkSync(join(runs, "exp", "new.ckpt"));
    unlinkSync(join(runs, "exp", "user.ckpt"));
    await waitFor(() => paths().length === 1, { what: "removed checkpoints dropped" });
    await waitFor(() => !existsSync(join(runs, "exp", "new.metadata.yaml")), { what: "our sidecar removed" });
    expect(existsSync(join(runs, "exp", "user.metadata.yaml"))).toBe(true);
    expect(await watcher.rescan()).toBe("reconcile queued");
    await watcher.stop();
    expect(logged.at(-1)).toContain("stopped");
    // The lock is released on stop: a one-shot writer can take it.
    const lock = tryLockCatalog(catalog, { command: "scan", now: () => 0 });
    expect(lock.success).toBe(true);
    if (lock.success) lock.data.release();
  });

  test("when another process keeps the catalog, it says so and does nothing", async () => {
    const { runs, catalog } = tree();
    const held = tryLockCatalog(catalog, { command: "watch", now: () => 0, pid: 4242 });
    if (!held.success) throw new Error("could not take the lock for the test");
    cleanups.push(() => held.data.release());
    const events: string[] = [];
    const watcher = await startEmbeddedWatcher([runs], catalog, { onEvent: (line) => events.push(line) });
    expect(events).toEqual(["ckpt watch (pid 4242) keeps the catalog current"]);
    await watcher.stop();
  });

  test("on the control socket: status names its roots, it scans another directory on request, and refuses stop", async () => {
    const { runs, catalog } = tree();
    const elsewhere = join(runs, "..", "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "a.pt"), torchZipBytes({ fill: 4 }));
    const runtimeDir = join(runs, "..", "rt");
    const socketPath = join(runtimeDir, "daemon.sock");
    const watcher = await startEmbeddedWatcher([runs], catalog, {
      control: { paths: { runtimeDir, socketPath }, uid: process.getuid?.() ?? 0, owner: "ckpt tui" },
    });
    cleanups.push(() => watcher.stop());
    const status = await requestControl({ socketPath, request: "status" });
    expect(status).toMatchObject({ success: true, data: { roots: [runs], pid: process.pid } });
    const scanned = await sendControlCommand({
      socketPath,
      request: "scan",
      body: { roots: [elsewhere], sidecars: "read", recursive: true },
    });
    expect(scanned).toMatchObject({
      success: true,
      data: { ok: true, data: { summary: { added: 1, sidecars_missing: 1 }, warnings: [] } },
    });
    expect(await sendControlCommand({ socketPath, request: "stop" })).toEqual({
      success: true,
      data: {
        ok: false,
        message: `this watcher runs inside ckpt tui (pid ${process.pid}) and stops when it quits; quit it instead`,
      },
    });
    await watcher.stop();
    expect(existsSync(socketPath)).toBe(false);
  });
});
