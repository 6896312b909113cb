// The watcher daemon's numbers: close-to-visible latency (p50/p95), CPU per indexed checkpoint (in all and by
// thread), RSS watching a 100k-checkpoint tree, and idle CPU; with `--only deletion`, a mass deletion (`rm -rf` of
// 200k watched checkpoints): rows dropped per second, and how long SIGTERM takes in the middle of it. Runs
// `ckpt watch` from source as a child process.
//   bun bench/daemon-bench.ts [--count 200] [--warmup 100] [--runs 1000 --per-run 100] [--idle-seconds 60] [--dir /tmp]
//     [--watcher auto|fs-watch|chokidar] [--only latency|scale|deletion] [--tree DIR (built once, then reused)]
//     [--delete-runs 2000 --delete-per-run 100] [--delete-window 120]
import { Database } from "bun:sqlite";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { inputDict } from "../src/core/formats/pickle/pickle-input.ts";
import { planTorchCheckpoint } from "../src/core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan } from "../src/core/formats/zip-writer.ts";
import { makeTree } from "./make-tree.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "200" },
    warmup: { type: "string", default: "100" },
    runs: { type: "string", default: "1000" },
    "per-run": { type: "string", default: "100" },
    "idle-seconds": { type: "string", default: "60" },
    dir: { type: "string", default: "/tmp" },
    watcher: { type: "string", default: "auto" },
    only: { type: "string" },
    tree: { type: "string" },
    "delete-runs": { type: "string", default: "2000" },
    "delete-per-run": { type: "string", default: "100" },
    "delete-window": { type: "string", default: "120" },
  },
});
const main = resolve(import.meta.dir, "../src/main.ts");
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds per thread name (the main thread is `bun.exe` or `ckpt`; JavaScriptCore's `JITWorker`s; mimalloc's `mi-scavenger`). */
function cpuByThread(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").trim();
      const fields = readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return byName;
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((text) => text.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

function startDaemon(home: string, root: string, catalog: string) {
  const child = Bun.spawn(
    [
      process.execPath,
      main,
      "watch",
      root,
      "--catalog",
      catalog,
      "--log-format",
      "json",
      "--watcher",
      values.watcher,
    ],
    {
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: home,
        XDG_RUNTIME_DIR: join(home, "rt"),
        XDG_STATE_HOME: home,
      },
      stdout: "ignore",
      stderr: "pipe",
    },
  );
  let log = "";
  void (async () => {
    for await (const chunk of child.stderr) log += new TextDecoder().decode(chunk);
  })();
  const waitForLog = async (text: string) => {
    while (!log.includes(text)) await Bun.sleep(10);
  };
  return { child, waitForLog };
}

function checkpointBytes(index: number): Uint8Array {
  const value = inputDict({ epoch: index, global_step: index * 10, state_dict: inputDict({}, true) });
  return materializeWritePlan(planTorchCheckpoint(value, { root: `epoch=${index}` }));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

async function latency(base: string, count: number, warmup: number) {
  const root = join(base, "latency");
  mkdirSync(join(root, "run", "checkpoints"), { recursive: true });
  const catalog = join(base, "latency.db");
  const daemon = startDaemon(base, root, catalog);
  await daemon.waitForLog('"reason":"start"');
  const reader = new Database(catalog, { readonly: true });
  const visible = reader.query<{ n: number }, [string]>(
    "SELECT count(*) AS n FROM checkpoints WHERE path = ?",
  );
  const writeAndWait = async (index: number): Promise<number> => {
    const path = join(root, "run", "checkpoints", `epoch=${index}.ckpt`);
    const bytes = checkpointBytes(index);
    writeFileSync(path, bytes);
    const closedAt = performance.now();
    while ((visible.get(path)?.n ?? 0) === 0) await Bun.sleep(2);
    return performance.now() - closedAt;
  };
  // The first checkpoints after start pay for JIT compilation (a daemon runs for weeks): measured apart.
  const warmupBefore = cpuSeconds(daemon.child.pid);
  for (let index = 0; index < warmup; index++) await writeAndWait(index);
  const warmupCpu = cpuSeconds(daemon.child.pid) - warmupBefore;
  const cpuBefore = cpuSeconds(daemon.child.pid);
  const threadsBefore = cpuByThread(daemon.child.pid);
  const samples: number[] = [];
  for (let index = warmup; index < warmup + count; index++) samples.push(await writeAndWait(index));
  const cpu = cpuSeconds(daemon.child.pid) - cpuBefore;
  const byThread = [...cpuByThread(daemon.child.pid)]
    .map(([name, seconds]) => [name, ((seconds - (threadsBefore.get(name) ?? 0)) * 1000) / count] as const)
    .filter(([, ms]) => ms > 0)
    .sort((left, right) => right[1] - left[1]);
  reader.close();
  daemon.child.kill("SIGTERM");
  await daemon.child.exited;
  samples.sort((a, b) => a - b);
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    cpuMsPer: (cpu * 1000) / count,
    warmupCpuMsPer: warmup === 0 ? Number.NaN : (warmupCpu * 1000) / warmup,
    byThread,
  };
}

/** The tree and its catalog under `dir`; built once, so both watchers can be measured on the same one. */
function treeIn(dir: string, runs: number, perRun: number) {
  const root = join(dir, "tree");
  const catalog = join(dir, "tree.db");
  if (existsSync(catalog)) return { root, catalog };
  makeTree({ root, runs, perRun, sidecars: true });
  // The catalog already describes the tree (as after a first run), so the start-up reconcile is a rescan.
  Bun.spawnSync([process.execPath, main, "scan", root, "--catalog", catalog], {
    stdout: "ignore",
    stderr: "ignore",
  });
  return { root, catalog };
}

async function scale(base: string, runs: number, perRun: number, idleSeconds: number) {
  const treeDir = values.tree === undefined ? base : resolve(values.tree);
  mkdirSync(treeDir, { recursive: true });
  const { root, catalog } = treeIn(treeDir, runs, perRun);
  const daemon = startDaemon(base, root, catalog);
  const started = performance.now();
  await daemon.waitForLog('"reason":"start"');
  const readySeconds = (performance.now() - started) / 1000;
  await Bun.sleep(5000); // let the start-up settle before the idle window
  const rss = rssMb(daemon.child.pid, "VmRSS");
  const cpuBefore = cpuSeconds(daemon.child.pid);
  await Bun.sleep(idleSeconds * 1000);
  const idlePercent = ((cpuSeconds(daemon.child.pid) - cpuBefore) / idleSeconds) * 100;
  const peak = rssMb(daemon.child.pid, "VmHWM");
  daemon.child.kill("SIGTERM");
  await daemon.child.exited;
  return { checkpoints: runs * perRun, readySeconds, rss, peak, idlePercent };
}

/**
 * The deletion tree and its catalog. Built once under `dir` with a hard-linked pristine copy beside it, so each
 * run starts from the same tree and catalog without writing 200k sidecars again.
 */
function deletionTree(dir: string, runs: number, perRun: number) {
  const root = join(dir, "deletion");
  const catalog = join(dir, "deletion.db");
  const pristine = join(dir, "deletion-pristine");
  if (!existsSync(pristine)) {
    makeTree({ root, runs, perRun });
    Bun.spawnSync([process.execPath, main, "scan", root, "--catalog", catalog], { stdout: "ignore" });
    Bun.spawnSync(["cp", "-al", root, pristine]);
    Bun.spawnSync(["cp", catalog, `${pristine}.db`]);
  }
  rmSync(root, { recursive: true, force: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${catalog}${suffix}`, { force: true });
  Bun.spawnSync(["cp", "-al", pristine, root]);
  Bun.spawnSync(["cp", `${pristine}.db`, catalog]);
  return { root, catalog };
}

/** `rm -rf` of every run under a watched root: rows dropped per second until half are gone, then SIGTERM. */
async function deletion(base: string, runs: number, perRun: number, windowSeconds: number) {
  const treeDir = values.tree === undefined ? base : resolve(values.tree);
  mkdirSync(treeDir, { recursive: true });
  const { root, catalog } = deletionTree(treeDir, runs, perRun);
  const daemon = startDaemon(base, root, catalog);
  await daemon.waitForLog('"reason":"start"');
  const reader = new Database(catalog, { readonly: true });
  const rows = () => reader.query<{ n: number }, []>("SELECT count(*) AS n FROM checkpoints").get()?.n ?? 0;
  const total = rows();
  const removal = Bun.spawn(["sh", "-c", 'rm -rf -- "$1"/*', "rm", root]);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let rmSeconds = Number.NaN;
  void removal.exited.then(() => {
    rmSeconds = elapsed();
  });
  while (rows() > total / 2 && elapsed() < windowSeconds) await Bun.sleep(100);
  const seconds = elapsed();
  const removed = total - rows();
  const stopAt = performance.now();
  daemon.child.kill("SIGTERM");
  await daemon.child.exited;
  const stopMs = performance.now() - stopAt;
  await removal.exited;
  // What the stop left is the next start's catch-up.
  const again = startDaemon(base, root, catalog);
  const restarted = performance.now();
  await again.waitForLog('"reason":"start"');
  const catchUpSeconds = (performance.now() - restarted) / 1000;
  const left = rows();
  reader.close();
  again.child.kill("SIGTERM");
  await again.child.exited;
  return { total, removed, seconds, stopMs, rmSeconds, catchUpSeconds, left };
}

const base = mkdtempSync(join(values.dir, "ckpt-daemon-bench-"));
try {
  process.stdout.write(`watcher: ${values.watcher}\n`);
  if (values.only === undefined || values.only === "latency") {
    const lat = await latency(base, Number(values.count), Number(values.warmup));
    process.stdout.write(
      `latency over ${values.count} (after ${values.warmup} warm-up checkpoints): p50 ${lat.p50.toFixed(0)} ms, p95 ${lat.p95.toFixed(0)} ms; CPU ${lat.cpuMsPer.toFixed(2)} ms per checkpoint (the first ${values.warmup} after start: ${lat.warmupCpuMsPer.toFixed(2)} ms)\n`,
    );
    process.stdout.write(
      `  by thread, ms per checkpoint: ${lat.byThread.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(", ")}\n`,
    );
  }
  if (values.only === undefined || values.only === "scale") {
    const big = await scale(
      base,
      Number(values.runs),
      Number(values["per-run"]),
      Number(values["idle-seconds"]),
    );
    process.stdout.write(
      `watching ${big.checkpoints}: caught up in ${big.readySeconds.toFixed(1)} s, RSS ${big.rss.toFixed(0)} MB (peak ${big.peak.toFixed(0)} MB), idle CPU ${big.idlePercent.toFixed(2)} % over ${values["idle-seconds"]} s\n`,
    );
  }
  if (values.only === "deletion") {
    const gone = await deletion(
      base,
      Number(values["delete-runs"]),
      Number(values["delete-per-run"]),
      Number(values["delete-window"]),
    );
    process.stdout.write(
      `rm -rf of ${gone.total} watched checkpoints (rm itself: ${gone.rmSeconds.toFixed(1)} s): ${gone.removed} rows dropped in ${gone.seconds.toFixed(1)} s (${(gone.removed / gone.seconds).toFixed(0)}/s); SIGTERM then: exit in ${gone.stopMs.toFixed(0)} ms; the next start caught up in ${gone.catchUpSeconds.toFixed(1)} s (${gone.left} rows left)\n`,
    );
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
