// Disk and run health at catalog scale: what the health block adds to `ckpt stats` (whole process, beside the
// code before it, alternating) and its parts in process (SQL facts, statfs, the TUI's pass over loaded rows).
//   bun bench/health-bench.ts [--rows 100000] [--repeat 5] [--before REV]
import { execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { CatalogEntry } from "../src/core/catalog/catalog-entry.ts";
import { healthFactsFromEntries } from "../src/core/health/health-facts.ts";
import { openCatalogForWriting } from "../src/io/catalog/catalog-db.ts";
import { catalogStats } from "../src/io/catalog/catalog-reads.ts";
import { applyCatalogChanges } from "../src/io/catalog/catalog-writes.ts";
import { openTuiCatalogReader } from "../src/io/catalog/tui-catalog-reads.ts";
import { healthFromFacts, healthWindows, readDiskHealth } from "../src/io/disk/disk-health-report.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    rows: { type: "string", default: "100000" },
    repeat: { type: "string", default: "5" },
    before: { type: "string", default: "0d3c9c9" },
  },
});
const ROWS = Number(values.rows);
const REPEAT = Number(values.repeat);
const PER_RUN = 100;
const NOW = Date.now();
const repo = resolve(import.meta.dir, "..");
const base = mkdtempSync(join(tmpdir(), "ckpt-health-bench-"));
const root = join(base, "runs");

/** 1,000 runs of 100; one in ten still live (saving every 10 min), the rest ended days ago. */
function entry(run: number, index: number): CatalogEntry & { sidecar_present: boolean; metadata: null } {
  const dir = join(root, `exp_${String(run).padStart(5, "0")}`);
  const live = run % 10 === 0;
  const mtime = live ? NOW - (PER_RUN - index) * 600_000 : NOW - 5 * 86_400_000 - (PER_RUN - index) * 600_000;
  return {
    path: join(dir, `epoch=${index}.ckpt`),
    kind: "file",
    dev: 1,
    ino: run * PER_RUN + index + 1,
    size: 150_000_000,
    mtime_ms: mtime,
    alias_of: null,
    status: "ok",
    run_dir: dir,
    exp_name: `exp_${run}`,
    task: "text-detection",
    framework: "lightning",
    architecture: "dbnet",
    encoder: "resnet50",
    epoch: index,
    global_step: index * 100,
    created_at: null,
    primary_metric: { name: "hmean", value: 0.5, higher_is_better: true },
    metrics: { precision: 0.5, recall: 0.5, hmean: 0.5, validation_loss: 0.5 },
    sidecar: "valid",
    safety: "safe",
    problem: null,
    indexed_at: NOW,
    sidecar_present: true,
    metadata: null,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
function timeIt(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return median(times);
}

const catalog = join(base, "catalog.db");
const writer = openCatalogForWriting(catalog, { now: () => NOW });
const all = Array.from({ length: ROWS }, (_, i) => entry(Math.floor(i / PER_RUN), i % PER_RUN));
for (let run = 0; run < ROWS / PER_RUN; run++)
  mkdirSync(join(root, `exp_${String(run).padStart(5, "0")}`), { recursive: true });
for (let start = 0; start < all.length; start += 10_000)
  applyCatalogChanges(writer, { upserts: all.slice(start, start + 10_000), now: NOW });
const health = readDiskHealth(writer, { roots: [root], nowMs: NOW });
console.log(
  `${ROWS} rows; health: ${health.runs.on_pace} on pace, ${health.filesystems.length} filesystem(s)`,
);
console.log(`in process, median of ${REPEAT}:`);
console.log(
  `  catalogStats (the stats before health)  ${timeIt(() => catalogStats(writer, { roots: [root], catalog })).toFixed(1)} ms`,
);
console.log(
  `  readDiskHealth (SQL facts + statfs)      ${timeIt(() => readDiskHealth(writer, { roots: [root], nowMs: NOW })).toFixed(1)} ms`,
);
const entries = openTuiCatalogReader({ path: catalog, roots: [] }).readEntries();
const tuiHealth = () =>
  healthFromFacts(healthFactsFromEntries(entries, healthWindows(NOW)), { roots: [root], nowMs: NOW });
console.log(`  TUI: from ${entries.length} loaded rows          ${timeIt(tuiHealth).toFixed(1)} ms`);
writer.close();

// The code before the health block, for the same command on the same catalog.
const before = join(base, "before");
mkdirSync(before);
execSync(`git -C ${repo} archive ${values.before} | tar -x -C ${before}`);
symlinkSync(join(repo, "node_modules"), join(before, "node_modules"));
function processMs(checkout: string, argv: string[]): number {
  const started = performance.now();
  const child = Bun.spawnSync([process.execPath, join(checkout, "src/main.ts"), ...argv], {
    stdout: "ignore",
    stderr: "pipe",
  });
  if (child.exitCode !== 0) throw new Error(child.stderr.toString());
  return performance.now() - started;
}
const stats = ["stats", root, "--json", "--no-scan", "--catalog", catalog];
const now: number[] = [];
const then: number[] = [];
const df: number[] = [];
for (let i = 0; i < REPEAT; i++) {
  then.push(processMs(before, stats));
  now.push(processMs(repo, stats));
  const started = performance.now();
  Bun.spawnSync(["df", "-B1", root], { stdout: "ignore" });
  df.push(performance.now() - started);
}
console.log(`whole process, median of ${REPEAT}, alternating:`);
console.log(`  ckpt stats --json (${values.before}, no health)  ${median(then).toFixed(0)} ms`);
console.log(`  ckpt stats --json (now, with health)   ${median(now).toFixed(0)} ms`);
console.log(`  df -B1 ROOT (free space alone)         ${median(df).toFixed(0)} ms`);
if (process.env["KEEP"] === undefined) rmSync(base, { recursive: true, force: true });
else console.log(base);
