import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { sidecarPathFor } from "../../src/core/metadata/sidecar-path.ts";
import { readSidecar } from "../../src/io/sidecar/sidecar-store.ts";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  type LogLine,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const COUNT = 200;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

type Written = { readonly path: string; readonly size: number; readonly mode: string };

/** The writer process: checkpoints it finished, in order, and whether it is done. */
function startWriter(root: string, seed: number) {
  const child = Bun.spawn(
    [
      process.execPath,
      join(import.meta.dir, "checkpoint-writer-fixture.ts"),
      root,
      String(COUNT),
      String(seed),
      "8",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const written: Written[] = [];
  let done = false;
  void (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts)
        if (line === "done") done = true;
        else written.push(JSON.parse(line) as Written);
    }
  })();
  cleanups.push(() => child.kill());
  return { written, isDone: () => done, exited: child.exited };
}

/** Every `*.metadata.yaml` under `root` parses and validates: a killed daemon never leaves half a sidecar. */
function sidecarsUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".metadata.yaml")) found.push(path);
    }
  };
  walk(root);
  return found;
}

function invalidSidecars(root: string): string[] {
  return sidecarsUnder(root).filter((path) => {
    const read = readSidecar(path);
    return !read.success || !read.data.valid;
  });
}

type Row = { path: string; size: number; status: string; sidecar_state: string };

function rows(catalog: string): Row[] {
  return (
    withCatalog(catalog, (database) =>
      database
        .query<Row, []>("SELECT path, size, status, sidecar_state FROM checkpoints ORDER BY path")
        .all(),
    ) ?? []
  );
}

function killHard(daemon: DaemonProcess): Promise<number> {
  daemon.process.kill("SIGKILL");
  return daemon.process.exited;
}

describe("ckpt watch beside a writer", () => {
  test("200 checkpoints written slowly, by rename, truncated then completed — with kill -9 and restarts — each gets one valid sidecar and one row, never from an incomplete file", async () => {
    const home = makeTempDir("daemon-writer");
    cleanups.push(() => home[Symbol.dispose]());
    const root = join(home.path, "runs");
    const environment: DaemonEnvironment = { home: home.path, catalog: join(home.path, "catalog.db") };
    const logs: LogLine[][] = [];
    const start = async () => {
      const daemon = await startDaemonReady(environment, [root], []);
      logs.push(daemon.lines);
      cleanups.push(() => daemon.process.kill("SIGKILL"));
      return daemon;
    };
    Bun.spawnSync(["mkdir", "-p", root]);
    let daemon = await start();
    const writer = startWriter(root, 20261122);
    // kill -9 at three moments during the run, check no sidecar is partial, start again.
    for (const after of [35, 90, 150]) {
      await waitFor(() => writer.written.length >= after, {
        what: `${after} checkpoints written`,
        timeoutMs: 60_000,
      });
      await killHard(daemon);
      expect(invalidSidecars(root)).toEqual([]);
      daemon = await start();
    }
    await waitFor(() => writer.isDone(), { what: "the writer to finish", timeoutMs: 90_000 });
    const finalSize = new Map(writer.written.map((item) => [item.path, item.size]));
    expect(finalSize.size).toBe(COUNT);
    // Settled means each row describes the file's final bytes: a file rewritten after a first complete version
    // is "ok" with its old size until the daemon handles the rewrite's event.
    const settled = () => {
      const all = rows(environment.catalog);
      return (
        all.length === COUNT &&
        all.every(
          (row) =>
            row.status === "ok" && row.sidecar_state === "valid" && row.size === finalSize.get(row.path),
        )
      );
    };
    await waitFor(settled, { what: "every checkpoint indexed with a valid sidecar", timeoutMs: 60_000 });

    const catalogRows = rows(environment.catalog);
    expect(catalogRows.map((row) => row.path)).toEqual([...finalSize.keys()].sort());
    expect(catalogRows.filter((row) => row.size !== finalSize.get(row.path))).toEqual([]);
    for (const [path, size] of finalSize) {
      expect(statSync(path).size).toBe(size);
      const read = readSidecar(sidecarPathFor(path));
      expect(read.success && read.data.valid).toBe(true);
      if (read.success) expect(read.data.data?.ckpt?.file?.size).toBe(size);
    }
    expect(sidecarsUnder(root).length).toBe(COUNT);
    // Every sidecar any of the four daemons wrote recorded the file's final size: none came from a partial file.
    // A kill -9 can land after a sidecar's rename but before its log line leaves the pipe, and the restarted
    // daemon finds that sidecar valid and does not rewrite it; so not every write is logged, but most are.
    const writes = logs.flat().filter((line) => line.msg === "sidecar written");
    expect(writes.length).toBeGreaterThan(COUNT / 2);
    expect(writes.filter((line) => line["size"] !== finalSize.get(String(line["checkpoint"])))).toEqual([]);
    const errors = logs.flat().filter((line) => line.level === "error");
    expect(errors).toEqual([]);
    daemon.process.kill("SIGTERM");
    expect(await daemon.process.exited).toBe(0);
    // Deadlines are upper bounds for a loaded 2-core machine (other suites running): it takes ~15 s when idle.
  }, 300_000);
});
