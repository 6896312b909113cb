import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  type LogLine,
  runCkpt,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const MALICIOUS = join(import.meta.dir, "../fixtures/real/broken/malicious_reduce.ckpt");
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function home(prefix: string): string {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  return dir.path;
}

function track(daemon: DaemonProcess): DaemonProcess {
  cleanups.push(() => daemon.process.kill("SIGKILL"));
  return daemon;
}

function catalogCount(catalog: string, under: string): number {
  return (
    withCatalog(
      catalog,
      (database) =>
        database
          .query<{ n: number }, [string]>(
            "SELECT count(*) AS n FROM checkpoints WHERE substr(path, 1, length(?1)) = ?1",
          )
          .get(`${under}/`)?.n ?? 0,
    ) ?? 0
  );
}

const mentions = (path: string) => (line: LogLine) =>
  line["path"] === path || (typeof line["cause"] === "string" && line["cause"].includes(path));

/**
 * A tree with the three permission problems, owned so that the daemon (as `nobody` when the tests run as root,
 * because root ignores permissions) can write everywhere except where each problem is.
 */
function problemTree(base: string) {
  const runs = join(base, "runs");
  const readOnly = join(runs, "ro");
  const denied = join(runs, "u", "secret.ckpt");
  const locked = join(runs, "locked");
  for (const dir of [readOnly, join(runs, "u"), locked]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(readOnly, "model.ckpt"), torchZipBytes({ fill: 1 }));
  writeFileSync(denied, torchZipBytes({ fill: 2 }));
  writeFileSync(join(locked, "hidden.ckpt"), torchZipBytes({ fill: 3 }));
  if (isRoot) {
    chmodSync(base, 0o755);
    for (const path of [base, runs, join(runs, "u")]) chownSync(path, NOBODY, NOBODY);
    chmodSync(denied, 0o600);
    chmodSync(locked, 0o700);
  } else {
    chmodSync(readOnly, 0o555);
    chmodSync(denied, 0o000);
    chmodSync(locked, 0o000);
    cleanups.push(() => {
      chmodSync(readOnly, 0o755);
      chmodSync(locked, 0o755);
    });
  }
  return { runs, readOnly, denied, locked };
}

const asNobody = isRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];

describe("ckpt watch survives what the file system throws at it", () => {
  test("read-only run dir, permission-denied file, unreadable dir, malicious pickle: indexed or skipped, each logged once with its path, daemon keeps running", async () => {
    const base = home("daemon-problems");
    const tree = problemTree(base);
    const environment: DaemonEnvironment = {
      home: base,
      catalog: join(base, "catalog.db"),
      asUser: asNobody,
    };
    const daemon = track(await startDaemonReady(environment, [tree.runs]));
    const lines = daemon.lines;
    const roModel = join(tree.readOnly, "model.ckpt");
    await daemon.waitForLog(mentions(roModel), "the read-only dir's sidecar problem");
    await daemon.waitForLog(mentions(tree.denied), "the permission-denied file");
    await daemon.waitForLog(mentions(tree.locked), "the unreadable directory");

    // A checkpoint appearing later in the read-only dir is still indexed, from the catalog alone.
    const late = join(tree.readOnly, "late.ckpt");
    writeFileSync(late, torchZipBytes({ fill: 4 }));
    await daemon.waitForLog(
      (line) => line.msg === "checkpoint indexed" && line["path"] === late,
      "late.ckpt indexed",
    );
    await daemon.waitForLog(mentions(late), "late.ckpt's sidecar problem");

    const evil = join(tree.runs, "u", "evil.ckpt");
    copyFileSync(MALICIOUS, evil);
    const unsafe = await daemon.waitForLog(
      (line) => line.level === "warn" && line["path"] === evil,
      "unsafe warning",
    );
    expect(unsafe.msg).toContain("unsafe checkpoint");
    expect(unsafe["globals"]).toBe("posix.system");

    // SIGHUP re-reads the roots and reconciles: the same problems are met again and not logged again.
    daemon.process.kill("SIGHUP");
    await daemon.waitForLog(
      (line) => line.msg === "reconciled" && line["reason"] === "reload",
      "reload reconcile",
    );
    for (const path of [roModel, late, tree.denied, tree.locked, evil])
      expect({
        path,
        warnings: lines.filter((line) => line.level !== "info" && mentions(path)(line)).length,
      }).toEqual({
        path,
        warnings: 1,
      });
    const statuses = withCatalog(environment.catalog, (database) =>
      database
        .query<{ path: string; status: string; sidecar_state: string }, []>(
          "SELECT path, status, sidecar_state FROM checkpoints ORDER BY path",
        )
        .all(),
    );
    expect(statuses?.find((row) => row.path === evil)?.status).toBe("unsafe");
    expect(statuses?.find((row) => row.path === late)).toEqual({
      path: late,
      status: "ok",
      sidecar_state: "missing",
    });
    expect(daemon.stdout()).not.toContain("pwned");
    expect(daemon.other).toEqual([]);
    const status = await runCkpt(environment, ["status", "--json", "--catalog", environment.catalog]);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout).errors_last_hour).toBe(5);
  }, 30_000);

  test("10,000 files appearing at once and a directory deleted while it is being indexed", async () => {
    const base = home("daemon-burst");
    const runs = join(base, "runs");
    mkdirSync(runs);
    const environment: DaemonEnvironment = { home: base, catalog: join(base, "catalog.db") };
    const daemon = track(await startDaemonReady(environment, [runs]));
    const staging = join(base, "staging");
    for (let index = 0; index < 10_000; index++) {
      const dir = join(staging, `part-${index % 20}`);
      if (index < 20) mkdirSync(dir, { recursive: true });
      // One in ten is a checkpoint; the rest are the images and logs that share a run tree.
      if (index % 10 === 0)
        writeFileSync(join(dir, `step-${index}.pt`), torchZipBytes({ storageBytes: 64, fill: index % 251 }));
      else writeFileSync(join(dir, `sample-${index}.png`), "x");
    }
    const burst = join(runs, "burst");
    renameSync(staging, burst);
    const doomed = join(runs, "doomed");
    mkdirSync(doomed);
    for (let index = 0; index < 300; index++)
      writeFileSync(join(doomed, `e${index}.pt`), torchZipBytes({ storageBytes: 64, fill: 7 }));
    // Behind the burst's 1,000 in the queue: ~10 s on an idle 2-vCPU machine, and more than 60 s at a load of 15.
    await waitFor(() => catalogCount(environment.catalog, doomed) > 0, {
      what: "doomed/ being indexed",
      timeoutMs: 240_000,
    });
    // The daemon is writing sidecars into doomed/ while it goes, so one recursive delete can lose that race
    // (as `rm -rf` would say "Directory not empty"): delete until it is gone.
    await waitFor(
      () => {
        try {
          rmSync(doomed, { recursive: true, force: true });
        } catch {
          // lost the race with a sidecar being written; try again
        }
        return !existsSync(doomed);
      },
      { what: "doomed/ deleted", timeoutMs: 30_000 },
    );
    await waitFor(() => catalogCount(environment.catalog, burst) === 1000, {
      what: "the burst's 1,000 checkpoints",
      timeoutMs: 240_000,
    });
    await waitFor(() => catalogCount(environment.catalog, doomed) === 0, {
      what: "doomed/ rows gone",
      timeoutMs: 30_000,
    });
    const status = await runCkpt(environment, ["status", "--json", "--catalog", environment.catalog]);
    expect(status.exitCode).toBe(0);
    expect(daemon.lines.filter((line) => line.level === "error")).toEqual([]);
    expect(daemon.other).toEqual([]);
    // Deadlines are upper bounds for a loaded 2-core machine: the burst takes ~10 s when the machine is idle.
  }, 600_000);
});
