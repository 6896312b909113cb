import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  runCkpt,
  startDaemon,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setUp(prefix: string): { environment: DaemonEnvironment; runs: string } {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  return { environment: { home: dir.path, catalog: join(dir.path, "state", "catalog.db") }, runs };
}

describe("ckpt watch lifecycle", () => {
  test("one watcher per catalog; status exits 0 while running and 3 after; SIGTERM exits 0 within 5 s", async () => {
    const { environment, runs } = setUp("daemon-life");
    const catalogArgs = ["--catalog", environment.catalog];
    expect((await runCkpt(environment, ["status", ...catalogArgs])).exitCode).toBe(3);
    const daemon = await startDaemonReady(environment, [runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));

    const second = startDaemon(environment, [runs]);
    expect(await second.process.exited).toBe(1);
    await waitFor(() => second.other.join("\n").includes(`pid ${daemon.pid}`), {
      what: "the pid in the refusal",
    });

    const status = await runCkpt(environment, ["status", "--json", ...catalogArgs]);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      running: true,
      pid: daemon.pid,
      roots: [runs],
      state: "ready",
    });
    const text = await runCkpt(environment, ["status", ...catalogArgs]);
    expect(text.stdout).toContain(`ckpt watch is running (pid ${daemon.pid}`);

    // Work in flight when SIGTERM arrives is finished, and the exit is clean and quick.
    for (let index = 0; index < 50; index++)
      writeFileSync(join(runs, `e${index}.pt`), torchZipBytes({ fill: index }));
    await daemon.waitForLog((line) => line.msg === "checkpoint indexed", "indexing under way");
    const stopAt = performance.now();
    daemon.process.kill("SIGTERM");
    expect(await daemon.process.exited).toBe(0);
    expect(performance.now() - stopAt).toBeLessThan(5000);
    expect(daemon.lines.at(-1)?.msg).toBe("stopped");
    expect((await runCkpt(environment, ["status", ...catalogArgs])).exitCode).toBe(3);
    expect((await runCkpt(environment, ["stop", ...catalogArgs])).exitCode).toBe(3);
    // The next start catches up on whatever the stop left queued.
    const again = await startDaemonReady(environment, [runs]);
    cleanups.push(() => again.process.kill("SIGKILL"));
    const count = () =>
      withCatalog(
        environment.catalog,
        (db) => db.query<{ n: number }, []>("SELECT count(*) AS n FROM checkpoints").get()?.n,
      );
    await waitFor(() => count() === 50, { what: "all 50 indexed after restart" });
    again.process.kill("SIGINT");
    expect(await again.process.exited).toBe(0);
  }, 30_000);

  test("sidecar temps a killed writer left are removed at the next start, beside files and in checkpoint dirs", async () => {
    const { environment, runs } = setUp("daemon-temps");
    const run = join(runs, "run", "checkpoints");
    const hf = join(runs, "hf", "checkpoint-20");
    mkdirSync(run, { recursive: true });
    mkdirSync(hf, { recursive: true });
    writeFileSync(join(run, "epoch=1.ckpt"), torchZipBytes({ fill: 1 }));
    writeFileSync(join(hf, "pytorch_model.bin"), torchZipBytes({ fill: 2 }));
    writeFileSync(join(hf, "trainer_state.json"), '{"global_step": 20}');
    const scanned = await runCkpt(environment, ["scan", runs, "--catalog", environment.catalog]);
    expect(scanned.exitCode).toBe(0);
    const stale = [
      join(run, ".epoch=1.metadata.yaml.ckpt-tmp-k3x9"),
      join(hf, ".ckpt.metadata.yaml.ckpt-tmp-a1b2"),
    ];
    const fresh = join(run, ".epoch=2.metadata.yaml.ckpt-tmp-live");
    const anHourAgo = new Date(Date.now() - 3_600_000);
    for (const path of stale) {
      writeFileSync(path, "schema_version: '1.0'\n");
      utimesSync(path, anHourAgo, anHourAgo);
    }
    writeFileSync(fresh, "being written\n");
    // Dated ahead, so it is younger than the cutoff however long the daemon takes to start on a loaded machine.
    const aMinuteAhead = new Date(Date.now() + 60_000);
    utimesSync(fresh, aMinuteAhead, aMinuteAhead);
    const daemon = await startDaemonReady(environment, [runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    await daemon.waitForLog((line) => line.msg === "reconciled", "the start-up reconcile");
    const removed = daemon.lines.filter((line) => line.msg === "stale sidecar temp removed");
    expect(removed.map((line) => line["path"]).sort()).toEqual([...stale].sort());
    for (const path of stale) expect(existsSync(path)).toBe(false);
    // A temp younger than a second may belong to a writer that is still running: it stays.
    expect(existsSync(fresh)).toBe(true);
    daemon.process.kill("SIGTERM");
    expect(await daemon.process.exited).toBe(0);
  }, 30_000);

  test("a checkpoint deleted while the daemon was down loses the sidecar ckpt wrote, and keeps anyone else's", async () => {
    const { environment, runs } = setUp("daemon-orphans");
    const run = join(runs, "run");
    mkdirSync(run);
    for (const [name, fill] of [
      ["ours.ckpt", 1],
      ["theirs.ckpt", 2],
      ["best.ckpt", 3],
      ["best.pt", 4],
    ] as const)
      writeFileSync(join(run, name), torchZipBytes({ fill }));
    const scanned = await runCkpt(environment, ["scan", runs, "--catalog", environment.catalog]);
    expect(scanned.exitCode).toBe(0);
    // Another tool's sidecar: valid, but not generated by ckpt.
    const theirs = join(run, "theirs.metadata.yaml");
    writeFileSync(theirs, readFileSync(theirs, "utf8").replace('name: "ckpt"', 'name: "exporter"'));
    // best.ckpt and best.pt share best.metadata.yaml: it describes whichever of the two was written first.
    const shared = join(run, "best.metadata.yaml");
    const sharedFor = /checkpoint_path: "?([^"\n]*)/.exec(readFileSync(shared, "utf8"))?.[1] ?? "";
    const other = sharedFor.endsWith("best.ckpt") ? "best.pt" : "best.ckpt";
    for (const name of ["ours.ckpt", "theirs.ckpt", other]) rmSync(join(run, name));

    const daemon = await startDaemonReady(environment, [runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    await daemon.waitForLog((line) => line.msg === "reconciled", "the start-up reconcile");
    expect(existsSync(join(run, "ours.metadata.yaml"))).toBe(false);
    expect(existsSync(theirs)).toBe(true);
    expect(existsSync(shared)).toBe(true);
    const removed = daemon.lines.filter((line) => line.msg === "sidecar of a deleted checkpoint removed");
    expect(removed.map((line) => [line["path"], line["checkpoint"]])).toEqual([
      [join(run, "ours.metadata.yaml"), join(run, "ours.ckpt")],
    ]);
    daemon.process.kill("SIGTERM");
    expect(await daemon.process.exited).toBe(0);
  }, 30_000);

  test("--detach returns once ready, logs to the state dir; ckpt stop stops it", async () => {
    const { environment, runs } = setUp("daemon-detach");
    const catalogArgs = ["--catalog", environment.catalog];
    const started = await runCkpt(environment, ["watch", runs, "--detach", ...catalogArgs]);
    expect(started.stderr).toBe("");
    expect(started.exitCode).toBe(0);
    const logPath = join(environment.home, "state", "ckpt", "daemon.log");
    expect(started.stdout).toContain(`log: ${logPath}`);
    const pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
    cleanups.push(() => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    });
    writeFileSync(join(runs, "a.ckpt"), torchZipBytes({ fill: 9 }));
    await waitFor(() => existsSync(logPath) && readFileSync(logPath, "utf8").includes("checkpoint indexed"), {
      what: "the detached daemon logging to daemon.log",
    });
    const stopped = await runCkpt(environment, ["stop", ...catalogArgs]);
    expect(stopped).toEqual({ exitCode: 0, stdout: `stopped ckpt watch (pid ${pid})\n`, stderr: "" });
    expect((await runCkpt(environment, ["status", ...catalogArgs])).exitCode).toBe(3);
  }, 30_000);
});
