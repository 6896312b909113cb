import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  runCkpt,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

// A FIFO, socket or device named like a checkpoint, a sidecar or a run file must never block a reader: every
// command here runs as a real process with a deadline, so a hang fails the test instead of the suite.
setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const mainScript = join(import.meta.dir, "../../src/main.ts");
const HANG_MS = 30_000;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function home(prefix: string): string {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  chmodSync(dir.path, 0o755);
  return dir.path;
}

function mkfifo(path: string): void {
  expect(Bun.spawnSync(["mkfifo", path]).exitCode).toBe(0);
}

/** A run with a real checkpoint beside a FIFO checkpoint, a FIFO sidecar, a FIFO metrics.csv, a socket and a device. */
function hostileRun(base: string) {
  const run = join(base, "runs", "r");
  mkdirSync(join(run, "checkpoints"), { recursive: true });
  const good = join(run, "checkpoints", "good.ckpt");
  writeFileSync(good, torchZipBytes({ fill: 1 }));
  const withFifoSidecar = join(run, "checkpoints", "other.ckpt");
  writeFileSync(withFifoSidecar, torchZipBytes({ fill: 2 }));
  mkfifo(join(run, "checkpoints", "other.metadata.yaml"));
  mkfifo(join(run, "metrics.csv"));
  const fifo = join(run, "checkpoints", "x.ckpt");
  mkfifo(fifo);
  const device = join(run, "checkpoints", "zero.ckpt");
  symlinkSync("/dev/zero", device);
  const socket = Bun.listen({ unix: join(run, "checkpoints", "s.ckpt"), socket: { data() {} } });
  cleanups.push(() => socket.stop(true));
  return { runs: join(base, "runs"), good, withFifoSidecar, fifo, device };
}

async function ckpt(argv: readonly string[], cwd: string) {
  const child = Bun.spawn([process.execPath, mainScript, ...argv], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: cwd, XDG_STATE_HOME: join(cwd, "state") },
    stdout: "pipe",
    stderr: "pipe",
    timeout: HANG_MS,
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { killed: child.signalCode !== null, exitCode, output: `${stdout}${stderr}` };
}

const FIFO_REASON = "not a regular file (a FIFO); ckpt reads only regular files and directories";

describe("FIFOs, sockets and devices are refused, never waited on", () => {
  test("inspect, show and convert of a FIFO or a device return at once and say why", async () => {
    const base = home("special-cli");
    const tree = hostileRun(base);
    const cases = [
      { argv: ["inspect", tree.fifo], reason: FIFO_REASON },
      { argv: ["show", tree.fifo], reason: FIFO_REASON },
      { argv: ["convert", "--checkpoint", tree.fifo], reason: FIFO_REASON },
      { argv: ["inspect", tree.device], reason: "not a regular file (a character device)" },
      { argv: ["inspect", "/dev/null"], reason: "not a regular file (a character device)" },
    ];
    for (const { argv, reason } of cases) {
      const run = await ckpt(argv, base);
      expect({ argv, killed: run.killed, exitCode: run.exitCode, says: run.output.includes(reason) }).toEqual(
        {
          argv,
          killed: false,
          exitCode: 1,
          says: true,
        },
      );
      expect(run.output).not.toContain("empty");
    }
  });

  test("scan, validate and convert of the run read the real checkpoints and skip the rest", async () => {
    const base = home("special-walk");
    const tree = hostileRun(base);
    const catalog = join(base, "catalog.db");
    const scan = await ckpt(["scan", tree.runs, "--catalog", catalog, "--json"], base);
    expect({ killed: scan.killed, exitCode: scan.exitCode }).toEqual({ killed: false, exitCode: 0 });
    expect(JSON.parse(scan.output.split("\n")[0] ?? "")).toMatchObject({ added: 2, failed: 0 });
    const paths = withCatalog(catalog, (database) =>
      database
        .query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path")
        .all()
        .map((row) => row.path),
    );
    expect(paths).toEqual([tree.good, tree.withFifoSidecar]);
    const validate = await ckpt(["validate", tree.runs], base);
    expect({ killed: validate.killed, says: validate.output.includes(FIFO_REASON) }).toEqual({
      killed: false,
      says: true,
    });
    const convert = await ckpt(["convert", "--outputs-dir", tree.runs], base);
    expect(convert.killed).toBe(false);
  });

  test("ckpt watch indexes the real checkpoints beside a FIFO, answers status and stops", async () => {
    const base = home("special-daemon");
    const tree = hostileRun(base);
    const environment: DaemonEnvironment = { home: base, catalog: join(base, "catalog.db") };
    const daemon: DaemonProcess = await startDaemonReady(environment, [tree.runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    // A FIFO appearing while it watches, then a real checkpoint after it: the second is still indexed.
    mkfifo(join(tree.runs, "r", "checkpoints", "late-fifo.ckpt"));
    const late = join(tree.runs, "r", "checkpoints", "late.ckpt");
    writeFileSync(late, torchZipBytes({ fill: 3 }));
    await daemon.waitForLog(
      (line) => line.msg === "checkpoint indexed" && line["path"] === late,
      "late.ckpt indexed",
    );
    const status = await runCkpt(environment, ["status", "--json", "--catalog", environment.catalog]);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout).pid).toBe(daemon.pid);
    const indexed = withCatalog(environment.catalog, (database) =>
      database
        .query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path")
        .all()
        .map((row) => row.path),
    );
    expect(indexed).toEqual([tree.good, late, tree.withFifoSidecar]);
    const stop = await runCkpt(environment, ["stop", "--catalog", environment.catalog]);
    expect({ stop, exited: await daemon.process.exited, log: daemon.other }).toEqual({
      stop: { exitCode: 0, stdout: `stopped ckpt watch (pid ${daemon.pid})\n`, stderr: "" },
      exited: 0,
      log: [],
    });
  });
});
