// In-process A/B of the checkpoint reader: this tree against another checkout (`--base DIR`, e.g. a `git archive`
// of the commit a change started from), in one process, alternating, on the same fixture files:
//   bun bench/reader-bench-ab.ts --base /tmp/base [--passes 40] [--runs 5] [--only lightning/ ...] [--extra DIR]
//     [--per-file] [--check-output]
// Per run: each tree does `--passes` passes over every file (after as many warm-up passes), then the other.
// Reports CPU per pass (all threads, `process.cpuUsage`), main-thread CPU per pass (`/proc/thread-self/stat`)
// and the median file's wall time; on a loaded host compare CPU, and the ratios new / base within each run.
// `--extra DIR` adds the checkpoints under DIR (as reader-bench.ts does); `--per-file` ends with each file's
// median over all runs, base and new, and the median of those (the median file). `--interleave`: within each
// pass every file is read by both trees back to back (which goes first alternates), so both see the same load
// at the same moment; a run reports each tree's
// median pass (the sum of its reads' wall times), the sum of its files' medians (what a pass costs without the
// reads a GC pause or another job happened to hit) and its median file. On a shared host this is the figure to trust:
// whole-pass CPU moves by ±30 % from one run to the next with the other jobs. `--check-output` first compares both
// trees' reports (as JSON text, key order included) on every real fixture, broken ones too, and the extra files,
// and stops with exit code 1 if any differs: a change meant to be faster only must not change a byte of output.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { benchFixtures, extraCheckpoints, median } from "./reader-bench-support.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    base: { type: "string" },
    passes: { type: "string", default: "40" },
    runs: { type: "string", default: "5" },
    only: { type: "string", multiple: true, default: [] },
    extra: { type: "string", multiple: true, default: [] },
    "per-file": { type: "boolean", default: false },
    interleave: { type: "boolean", default: false },
    "check-output": { type: "boolean", default: false },
  },
});
if (values.base === undefined) throw new Error("--base DIR: the checkout to compare against");
/** `--only` may be given more than once: a file is kept when its path contains any of them (none given: all). */
const selected = (path: string) =>
  values.only.length === 0 || values.only.some((part) => path.includes(part));
type Reader = (path: string) => unknown;
const load = async (dir: string): Promise<Reader> =>
  (await import(join(resolve(dir), "src/io/checkpoint/read-checkpoint.ts"))).readCheckpointReport;
const trees: [string, Reader][] = [
  ["base", await load(values.base)],
  ["new", await load(join(import.meta.dir, ".."))],
];
const passes = Number(values.passes);
const fixtures = (await benchFixtures()).filter((f) => selected(f.path));
const paths = [...fixtures.map((f) => f.path), ...values.extra.flatMap(extraCheckpoints).filter(selected)];
const perFileOf = new Map(trees.map(([name]) => [name, new Map(paths.map((p) => [p, [] as number[]]))]));

/** Main-thread CPU in ms (utime + stime at 100 ticks/s: coarse, so passes are summed). */
function threadCpuMs(): number {
  const fields = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

type Sample = { cpu: number; thread: number; medianFile: number };

function measure(read: Reader, perFileAll: Map<string, number[]> | undefined): Sample {
  for (let pass = 0; pass < passes; pass++) for (const path of paths) read(path);
  const perFile = new Map(paths.map((p) => [p, [] as number[]]));
  const [cpu0, thread0] = [process.cpuUsage(), threadCpuMs()];
  for (let pass = 0; pass < passes; pass++)
    for (const path of paths) {
      const start = performance.now();
      read(path);
      const took = performance.now() - start;
      perFile.get(path)?.push(took);
      perFileAll?.get(path)?.push(took);
    }
  const used = process.cpuUsage(cpu0);
  return {
    cpu: (used.user + used.system) / 1000 / passes,
    thread: (threadCpuMs() - thread0) / passes,
    medianFile: median([...perFile.values()].map(median)),
  };
}

/** One interleaved run: per pass, each file read by both trees back to back; each tree's median pass and file. */
type Interleaved = { pass: number; fileSum: number; medianFile: number };

function interleavedRun(): Map<string, Interleaved> {
  const times = new Map(trees.map(([name]) => [name, new Map(paths.map((p) => [p, [] as number[]]))]));
  const passTotals = new Map(trees.map(([name]) => [name, [] as number[]]));
  for (let pass = 0; pass < 2 * passes; pass++) {
    const total = new Map(trees.map(([name]) => [name, 0]));
    paths.forEach((path, index) => {
      for (const [name, read] of (pass + index) % 2 === 0 ? trees : [...trees].reverse()) {
        const start = performance.now();
        read(path);
        const took = performance.now() - start;
        if (pass < passes) continue; // the first half warms both trees up
        times.get(name)?.get(path)?.push(took);
        perFileOf.get(name)?.get(path)?.push(took);
        total.set(name, (total.get(name) ?? 0) + took);
      }
    });
    if (pass >= passes) for (const [name, sum] of total) passTotals.get(name)?.push(sum);
  }
  return new Map(
    trees.map(([name]) => [
      name,
      {
        pass: median(passTotals.get(name) ?? []),
        fileSum: [...(times.get(name)?.values() ?? [])].reduce((sum, t) => sum + median(t), 0),
        medianFile: median([...(times.get(name)?.values() ?? [])].map(median)),
      },
    ]),
  );
}

if (values["check-output"]) {
  const every = [...(await benchFixtures()).map((f) => f.path), ...values.extra.flatMap(extraCheckpoints)];
  const differ = every.filter((path) =>
    trees.map(([, read]) => JSON.stringify(read(path))).some((t, _, a) => t !== a[0]),
  );
  for (const path of differ) console.log(`output differs: ${path}`);
  console.log(`${every.length} files compared, ${differ.length} with different output\n`);
  if (differ.length > 0) process.exit(1);
}
console.log(`${paths.length} files, ${passes} passes per tree per run\n`);
if (values.interleave) {
  console.log(
    "| run | base: pass / Σ file medians / median file | new: same | new / base (pass, Σ, median file) |",
  );
  console.log("|---:|---:|---:|---:|");
  for (let run = 1; run <= Number(values.runs); run++) {
    const result = interleavedRun();
    const [b, n] = [result.get("base"), result.get("new")] as [Interleaved, Interleaved];
    const cell = (s: Interleaved) =>
      `${s.pass.toFixed(2)} / ${s.fileSum.toFixed(2)} / ${s.medianFile.toFixed(3)} ms`;
    const ratios = [n.pass / b.pass, n.fileSum / b.fileSum, n.medianFile / b.medianFile];
    console.log(`| ${run} | ${cell(b)} | ${cell(n)} | ${ratios.map((r) => `${r.toFixed(2)}×`).join(", ")} |`);
  }
}
const timedRuns = values.interleave ? 0 : Number(values.runs);
if (timedRuns > 0) {
  console.log(
    "| run | base CPU / main / median file | new CPU / main / median file | new / base (CPU, main) |",
  );
  console.log("|---:|---:|---:|---:|");
}
for (let run = 1; run <= timedRuns; run++) {
  const order = run % 2 === 1 ? trees : [...trees].reverse();
  const samples = new Map(order.map(([name, read]) => [name, measure(read, perFileOf.get(name))]));
  const [b, n] = [samples.get("base"), samples.get("new")] as [Sample, Sample];
  const cell = (s: Sample) => `${s.cpu.toFixed(2)} / ${s.thread.toFixed(1)} / ${s.medianFile.toFixed(3)} ms`;
  console.log(
    `| ${run} | ${cell(b)} | ${cell(n)} | ${(n.cpu / b.cpu).toFixed(2)}×, ${(n.thread / b.thread).toFixed(2)}× |`,
  );
}
if (values["per-file"]) {
  console.log("\n| file | base median | new median | new / base |\n|---|---:|---:|---:|");
  for (const path of paths) {
    const [b, n] = ["base", "new"].map((name) => median(perFileOf.get(name)?.get(path) ?? [])) as [
      number,
      number,
    ];
    console.log(
      `| ${path.replace(/^.*fixtures\/real\//, "")} | ${b.toFixed(3)} ms | ${n.toFixed(3)} ms | ${(n / b).toFixed(2)}× |`,
    );
  }
  // The goal's figure: the median over files of each file's median over every run, per tree.
  const [b, n] = ["base", "new"].map((name) =>
    median([...(perFileOf.get(name)?.values() ?? [])].map(median)),
  ) as [number, number];
  console.log(`| **median file** | ${b.toFixed(3)} ms | ${n.toFixed(3)} ms | ${(n / b).toFixed(2)}× |`);
}
