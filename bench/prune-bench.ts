// `ckpt prune --dry-run` (no --yes) on a 100k-checkpoint catalog: 1,000 runs × 100 checkpoints, each a real small
// file with a catalog row that matches it (so the freshness check passes), planned with --keep-best 3 --keep-last 5.
// Whole process from source and the plan in-process, beside `find -printf` listing the same files (the floor of
// any tool that looks at every checkpoint) and `ckpt ls --json` on the same catalog.
//   bun bench/prune-bench.ts [--runs 1000] [--per-run 100] [--repeat 3] [--dir /var/tmp] [--keep] [--binary dist/ckpt]
//     [--baseline /tmp/ckpt-before]
// --binary dist/ckpt times the compiled binary too; --baseline another build of it (e.g. the branch point's), in
// the same rounds, for a before/after that one change of load cannot tilt. Each round runs every command once, in
// turn.
// --keep builds the tree in DIR/ckpt-prune-bench-kept (or reuses it when there) and leaves it for the next run.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { CatalogEntry } from "../src/core/catalog/catalog-entry.ts";
import { emptyPolicy } from "../src/core/retention/retention-policy.ts";
import { openCatalogForWriting } from "../src/io/catalog/catalog-db.ts";
import { applyCatalogChanges } from "../src/io/catalog/catalog-writes.ts";
import { buildPrunePlan } from "../src/io/disk/prune-planning.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    runs: { type: "string", default: "1000" },
    "per-run": { type: "string", default: "100" },
    repeat: { type: "string", default: "3" },
    dir: { type: "string", default: "/tmp" },
    keep: { type: "boolean", default: false },
    binary: { type: "string" },
    baseline: { type: "string" },
  },
});
const repo = resolve(import.meta.dir, "..");
const main = join(repo, "src/main.ts");
const [runs, perRun, repeat] = [Number(values.runs), Number(values["per-run"]), Number(values.repeat)];
const kept = join(values.dir, "ckpt-prune-bench-kept");
const reused = values.keep && existsSync(join(kept, "catalog.db"));
if (values.keep && !reused) rmSync(kept, { recursive: true, force: true });
if (values.keep) mkdirSync(kept, { recursive: true });
const work = values.keep ? kept : mkdtempSync(join(values.dir, "ckpt-prune-bench-"));
const root = join(work, "runs");
const catalog = join(work, "catalog.db");
const HOUR = 3_600_000;

function entryFor(path: string, run: string, step: number): CatalogEntry {
  const stats = lstatSync(path);
  const hmean = 0.5 + ((step * 7919) % 1000) / 2000;
  return {
    path,
    kind: "file",
    dev: stats.dev,
    ino: stats.ino,
    size: stats.size,
    mtime_ms: stats.mtimeMs,
    alias_of: null,
    status: "ok",
    run_dir: run,
    exp_name: run.slice(run.lastIndexOf("/") + 1),
    task: "text-detection",
    framework: "lightning",
    architecture: "dbnet",
    encoder: "resnet18",
    epoch: step / 100,
    global_step: step,
    created_at: null,
    primary_metric: { name: "hmean", value: hmean, higher_is_better: true },
    metrics: { precision: null, recall: null, hmean, validation_loss: null },
    sidecar: "missing",
    safety: "safe",
    problem: null,
    indexed_at: Date.now(),
  };
}

function buildCatalog(): void {
  const database = openCatalogForWriting(catalog, { now: Date.now });
  const old = new Date(Date.now() - 48 * HOUR);
  for (let r = 0; r < runs; r++) {
    const run = join(root, `run-${String(r).padStart(4, "0")}`);
    mkdirSync(join(run, "checkpoints"), { recursive: true });
    const upserts = [];
    for (let c = 1; c <= perRun; c++) {
      const path = join(run, "checkpoints", `epoch=${c}-step=${c * 100}.ckpt`);
      writeFileSync(path, "PK\u0005\u0006 stand-in bytes of a checkpoint");
      upserts.push(entryFor(path, run, c * 100));
    }
    writeFileSync(join(run, "metrics.csv"), "epoch,step,val/hmean\n");
    const stamped = upserts.map((entry) => ({ ...entry, sidecar_present: false, metadata: null }));
    applyCatalogChanges(database, { upserts: stamped, runs: [], now: Date.now() });
  }
  database.close();
  Bun.spawnSync(["find", root, "-exec", "touch", "-h", "-d", old.toISOString(), "{}", "+"]);
}

type Sample = { readonly wall: number; readonly cpu: number };
type Timed = { readonly name: string; readonly command: readonly string[] };

/** Wall seconds and the process's CPU seconds (user + system): the CPU time moves less with the machine's load. */
function timed(command: string[]): Sample {
  const started = performance.now();
  const result = Bun.spawnSync(command, { stdout: "ignore", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")}: ${result.stderr.toString()}`);
  const cpu = Number(result.resourceUsage?.cpuTime.total ?? 0n) / 1e6;
  return { wall: (performance.now() - started) / 1000, cpu };
}

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
}

function report(name: string, samples: readonly Sample[]): void {
  const wall = median(samples.map((sample) => sample.wall)).toFixed(3);
  const cpu = median(samples.map((sample) => sample.cpu)).toFixed(3);
  console.log(`${name.padEnd(62)} ${wall.padStart(7)} s wall ${cpu.padStart(7)} s cpu`);
}

/** Each round runs every command once, in turn, so a change of load falls on all of them alike. */
function measureSideBySide(commands: readonly Timed[]): void {
  const samples = commands.map((): Sample[] => []);
  for (let round = 0; round < repeat; round++)
    for (const [at, timedCommand] of commands.entries()) samples[at]?.push(timed([...timedCommand.command]));
  for (const [at, timedCommand] of commands.entries()) report(timedCommand.name, samples[at] ?? []);
}

/** The plan in-process, as the dry run (`catalog`) or `--yes` (`disk`) makes it. */
function planInProcess(measure: "catalog" | "disk"): Sample[] {
  const database = openCatalogForWriting(catalog, { now: Date.now });
  const samples = Array.from({ length: repeat }, () => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const plan = buildPrunePlan(database, {
      roots: [root],
      policy: { ...emptyPolicy(), keepBest: 3, keepLast: 5 },
      now: Date.now(),
      measure,
    });
    if (plan.targets.length === 0) throw new Error("nothing to delete: the bench would measure nothing");
    const cpu = process.cpuUsage(cpuBefore);
    return { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  });
  database.close();
  return samples;
}

function alignCatalogTimes(): void {
  // The rows were stamped before `touch`: bring them level with the files so the freshness check passes.
  const fix = openCatalogForWriting(catalog, { now: Date.now });
  const rows = fix.query<{ path: string }, []>("SELECT path FROM checkpoints").all();
  const update = fix.query("UPDATE checkpoints SET mtime_ms = ? WHERE path = ?");
  fix.transaction(() => {
    for (const { path } of rows) update.run(lstatSync(path).mtimeMs, path);
  })();
  fix.close();
}

try {
  if (!reused) {
    buildCatalog();
    alignCatalogTimes();
  }
  console.log(`${runs * perRun} checkpoints in ${runs} runs; median of ${repeat}`);
  const prune = ["prune", root, "--keep-best", "3", "--keep-last", "5", "--no-scan", "--catalog", catalog];
  const ckpt = [process.execPath, main];
  const { binary, baseline } = values;
  measureSideBySide([
    { name: "ckpt prune --keep-best 3 --keep-last 5 (dry run, from source)", command: [...ckpt, ...prune] },
    { name: "ckpt prune … --json (dry run, from source)", command: [...ckpt, ...prune, "--json"] },
    ...(binary === undefined
      ? []
      : [{ name: "ckpt prune … (dry run, compiled binary)", command: [binary, ...prune] }]),
    ...(baseline === undefined
      ? []
      : [{ name: "ckpt prune … (dry run, --baseline binary)", command: [baseline, ...prune] }]),
    {
      name: "ckpt ls --json --no-scan (from source, same catalog)",
      command: [...ckpt, "ls", root, "--json", "--no-scan", "--catalog", catalog],
    },
    {
      name: "find -name '*.ckpt' -printf (the same files listed)",
      command: ["find", root, "-name", "*.ckpt", "-printf", "%s %T@ %p\n"],
    },
  ]);
  report("buildPrunePlan in-process, as the dry run (catalogued sizes)", planInProcess("catalog"));
  report("buildPrunePlan in-process, as --yes (lstat + bytes per target)", planInProcess("disk"));
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}
