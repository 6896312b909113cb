import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DaemonProcess, runCkpt, startDaemonReady, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { canMount, fillFilesystem, mountTmpfs, type ScratchMount } from "../helpers/scratch-mount.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const COUNT = 300;

/** A catalog directory on its own 8 MB tmpfs, and a tree of `COUNT` checkpoints staged beside the runs root. */
function scene(prefix: string): { base: string; state: ScratchMount; runs: string; staged: string } {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const state = mountTmpfs(join(dir.path, "state"), { sizeKb: 8192, mode: 0o700 });
  if (state === null) throw new Error("cannot mount a tmpfs");
  cleanups.push(() => state[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  const staged = join(dir.path, "staged");
  for (let index = 0; index < COUNT; index++) {
    const run = join(staged, `run${index % 10}`);
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, `step-${index}.pt`), torchZipBytes({ storageBytes: 64, fill: index % 251 }));
  }
  return { base: dir.path, state, runs, staged };
}

function storedPaths(catalog: string): Set<string> {
  const rows = withCatalog(catalog, (database) =>
    database.query<{ path: string }, []>("SELECT path FROM checkpoints").all(),
  );
  return new Set((rows ?? []).map((row) => row.path));
}

describe.skipIf(!canMount())("a full filesystem under the catalog", () => {
  test("ckpt scan ends with one line naming the catalog and what to do, no stack trace", async () => {
    const { base, state, staged } = scene("full-scan");
    const catalog = join(state.path, "catalog.db");
    fillFilesystem(join(state.path, "filler"));
    const scan = await runCkpt({ home: base, catalog }, ["scan", staged, "--catalog", catalog]);
    expect({ exitCode: scan.exitCode, stdout: scan.stdout, stderr: scan.stderr.split("\n").length }).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: 2,
    });
    expect(scan.stderr).toStartWith(`ckpt: cannot write the catalog ${catalog}: `);
    expect(scan.stderr).toEndWith(
      `; the filesystem holding it is full; free space in ${state.path}, or move the catalog (CKPT_CATALOG or --catalog)\n`,
    );
  });

  test("ckpt watch logs each failed write as an error, never 'indexed' for a row it did not store, and retries until space is back", async () => {
    const { base, state, runs, staged } = scene("full-watch");
    const catalog = join(state.path, "catalog.db");
    const daemon: DaemonProcess = await startDaemonReady({ home: base, catalog }, [runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    const filler = join(state.path, "filler");
    fillFilesystem(filler);
    renameSync(staged, join(runs, "burst"));
    daemon.process.kill("SIGHUP");
    const failed = await daemon.waitForLog(
      (line) => line.msg === "catalog write failed; nothing was stored" && line["job"] === "reconcile",
      "the reload's reconcile failing",
    );
    expect({
      level: failed.level,
      retry: failed["retry_in_s"],
      cause: String(failed["cause"]),
    }).toMatchObject({
      level: "error",
      retry: 5,
    });
    const indexedNow = () =>
      daemon.lines.filter((line) => line.msg === "checkpoint indexed").map((line) => String(line["path"]));
    const lied = indexedNow().filter((path) => !storedPaths(catalog).has(path));
    expect({ lied, stored: storedPaths(catalog).size < COUNT }).toEqual({ lied: [], stored: true });

    rmSync(filler);
    await waitFor(() => storedPaths(catalog).size === COUNT, {
      what: `all ${COUNT} rows stored once space is back`,
      timeoutMs: 90_000,
    });
    await daemon.waitForLog(
      (line) => line.msg === "reconciled" && line["reason"] === "reload",
      "the retried reconcile",
      90_000,
    );
    const stored = storedPaths(catalog);
    expect({
      lied: indexedNow().filter((path) => !stored.has(path)),
      crashed: daemon.other,
      running: daemon.process.exitCode,
    }).toEqual({ lied: [], crashed: [], running: null });
  }, 180_000);
});
