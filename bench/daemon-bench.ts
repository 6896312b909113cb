// The watcher daemon's numbers: close-to-visible latency (p50/p95), CPU per indexed checkpoint (in all and by
// thread), RSS watching a 100k-checkpoint tree, and idle CPU; with `--only deletion`, a mass deletion (`rm -rf` of
// 200k watched checkpoints): rows dropped per second, and how long SIGTERM takes in the middle of it. Runs
// `ckpt watch` from source as a child process.
//   bun bench/daemon-bench.ts [--count 200] [--warmup 100] [--runs 1000 --per-run 100] [--idle-seconds 60] [--dir /tmp]
//     [--watcher auto|fs-watch|chokidar] [--only latency|scale|deletion] [--tree DIR (built once, then reused)]
//     [--delete-runs 2000 --delete-per-run 100] [--delete-window 120]
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { inputDict } from "../src/core/formats/pickle/pickle-input.ts";
import { planTorchCheckpoint } from "../src/core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan } from "../src/core/formats/zip-writer.ts";
import { cpuByThread, cpuSeconds, MAIN, rssMb, startDaemon } from "./daemon-child.ts";
import { measureDeletion, STOP_CAP_MS } from "./daemon-deletion.ts";
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
  const daemon = startDaemon({ home: base, root, catalog, watcher: values.watcher });
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
  Bun.spawnSync([process.execPath, MAIN, "scan", root, "--catalog", catalog], {
    stdout: "ignore",
    stderr: "ignore",
  });
  return { root, catalog };
}

async function scale(base: string, runs: number, perRun: number, idleSeconds: number) {
  const treeDir = values.tree === undefined ? base : resolve(values.tree);
  mkdirSync(treeDir, { recursive: true });
  const { root, catalog } = treeIn(treeDir, runs, perRun);
  const daemon = startDaemon({ home: base, root, catalog, watcher: values.watcher });
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
    const gone = await measureDeletion({
      base,
      treeDir: values.tree === undefined ? base : resolve(values.tree),
      runs: Number(values["delete-runs"]),
      perRun: Number(values["delete-per-run"]),
      windowSeconds: Number(values["delete-window"]),
      watcher: values.watcher,
    });
    const worst = gone.status.at(-1) ?? Number.NaN;
    const median = gone.status[Math.floor(gone.status.length / 2)] ?? Number.NaN;
    process.stdout.write(
      `rm -rf of ${gone.total} watched checkpoints (rm itself: ${gone.rmSeconds.toFixed(1)} s): ${gone.removed} rows dropped in ${gone.seconds.toFixed(1)} s (${(gone.removed / gone.seconds).toFixed(0)}/s); ckpt status answered in ${median.toFixed(0)} ms (median), ${worst.toFixed(0)} ms (worst of ${gone.status.length}); SIGTERM then: ${Number.isFinite(gone.stopMs) ? `exit in ${gone.stopMs.toFixed(0)} ms` : `no exit in ${STOP_CAP_MS / 1000} s (killed)`}; the next start caught up in ${gone.catchUpSeconds.toFixed(1)} s (${gone.left} rows left)\n`,
    );
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
