// Why a file can be slower than Python in the bulk mix and not in a warm loop: the same files read three ways, side
// by side with the Python reader (bench/python_metadata_reader.py) read the same ways, in the same run, alternating.
//   bun bench/reader-cold-code.ts [--passes 20] [--rounds 3] [--extra DIR] [--all]
// 1. in the mix: every file once per pass (as reader-bench.ts's bulk figure and per-file table);
// 2. primed: the same mix, but each file read right after a copy of itself (same bytes, another path), so the code
//    its format takes has just run: what is left is the file's own work, not the cost of code that last ran a
//    whole pass ago (JavaScriptCore's tiers, caches and predictors; CPython's C readers barely have any);
// 3. warm: the file alone, 300 reads in a row (the figure a warm loop gives).
// Prints the files slower than Python in the mix (--all: every file), and how many are slower each way.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { readCheckpointReport } from "../src/io/checkpoint/read-checkpoint.ts";
import { BULK_OPTIONS, bulkFiles, median, ms, ratio, runPythonReader } from "./reader-bench-support.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { ...BULK_OPTIONS, all: { type: "boolean", default: false } },
});
const passes = Number(values.passes);
const rounds = Number(values.rounds);
const WARM_READS = 300;

const named = await bulkFiles(values.extra);
const paths = [...named.keys()];

// Each copy in a directory of its own, under its own name: readers that judge by name (a DCP `.metadata`) still can.
const work = mkdtempSync(join(tmpdir(), "ckpt-reader-cold-code-"));
const copyOf = new Map(
  paths.map((path, index) => {
    const dir = join(work, String(index));
    mkdirSync(dir);
    const copy = join(dir, basename(path));
    copyFileSync(path, copy);
    return [path, copy];
  }),
);
const primedOrder = paths.flatMap((path) => [copyOf.get(path) ?? path, path]);

type Way = "mix" | "primed" | "warm";
const ways: readonly Way[] = ["mix", "primed", "warm"];
const timesOf = (): Map<Way, Map<string, number[]>> =>
  new Map(ways.map((way) => [way, new Map(paths.map((path) => [path, [] as number[]]))]));
const ours = timesOf();
const theirs = timesOf();

/** Ours in-process: `order` once per pass; the times of the files in `paths` (copies are read, not counted). */
function oursPasses(order: readonly string[], into: Map<string, number[]>): void {
  for (let pass = 0; pass < passes; pass++) {
    for (const path of order) {
      const start = performance.now();
      readCheckpointReport(path);
      const took = performance.now() - start;
      if (pass > 0) into.get(path)?.push(took);
    }
  }
}

function theirPasses(order: readonly string[], into: Map<string, number[]>): void {
  const result = runPythonReader(["--passes", String(passes), ...order]);
  for (const [path, times] of into) times.push(result.per_file_ms[path] ?? Number.NaN);
}

for (const path of paths) readCheckpointReport(path);
for (let round = 0; round < rounds; round++) {
  theirPasses(paths, theirs.get("mix") as Map<string, number[]>);
  oursPasses(paths, ours.get("mix") as Map<string, number[]>);
  theirPasses(primedOrder, theirs.get("primed") as Map<string, number[]>);
  oursPasses(primedOrder, ours.get("primed") as Map<string, number[]>);
}
// Warm last: a file read 300 times in a row makes its code hot for the rest of the process.
for (const path of paths) {
  const times = Array.from({ length: WARM_READS }, () => {
    const start = performance.now();
    readCheckpointReport(path);
    return performance.now() - start;
  });
  ours
    .get("warm")
    ?.get(path)
    ?.push(...times.slice(WARM_READS / 3));
  const py = runPythonReader(["--repeat", String(WARM_READS), path]).per_file_ms[path] ?? Number.NaN;
  theirs.get("warm")?.get(path)?.push(py);
}

const medianOf = (table: Map<Way, Map<string, number[]>>, way: Way, path: string) =>
  median(table.get(way)?.get(path) ?? []);

console.log(
  `## ${paths.length} files: in the mix, primed by a copy of itself, warm (${passes} passes × ${rounds} rounds)\n`,
);
console.log(
  "| file | mix: ckpt / python | primed: ckpt / python | warm: ckpt / python |\n|---|---:|---:|---:|",
);
const slower = new Map(ways.map((way) => [way, 0]));
for (const path of paths) {
  const cells = ways.map((way) => {
    const [a, b] = [medianOf(ours, way, path), medianOf(theirs, way, path)];
    if (a > b) slower.set(way, (slower.get(way) ?? 0) + 1);
    return `${ms(a)} / ${ms(b)} = ${ratio(a, b)}`;
  });
  const mixSlower = medianOf(ours, "mix", path) > medianOf(theirs, "mix", path);
  if (values.all || mixSlower) console.log(`| ${named.get(path)} | ${cells.join(" | ")} |`);
}
console.log(
  `\nfiles where ckpt is slower than python: mix ${slower.get("mix")}, primed ${slower.get("primed")}, warm ${slower.get("warm")} (of ${paths.length})`,
);
const sumOf = (table: Map<Way, Map<string, number[]>>, way: Way) =>
  paths.reduce((sum, path) => sum + medianOf(table, way, path), 0);
for (const way of ways)
  console.log(
    `sum of file medians, ${way}: ckpt ${ms(sumOf(ours, way))}, python ${ms(sumOf(theirs, way))}, ${ratio(sumOf(ours, way), sumOf(theirs, way))}`,
  );
rmSync(work, { recursive: true, force: true });
