// Checkpoint reader benchmark, side by side with Python's best metadata-only reader (bench/python_metadata_reader.py:
// zipfile → data.pkl → the C unpickler with classes stubbed), in the same run, alternating, on the same files:
//   bun bench/reader-bench.ts [--passes 20] [--rounds 3] [--copies 50] [--cold 10000] [--extra DIR] [--bulk-only]
// 1. bulk in-process: every distinct real fixture once per pass, many passes (first pass of each side is warm-up);
// 2. per file: the median of each file over those passes, and the ratio per file;
// 3. one file repeated (the figure a warm loop gives, for comparison with the bulk one);
// 4. whole process: the compiled binary `ckpt inspect --json` over copies of every fixture vs one python3 process;
// 5. cold catalog of --cold synthetic checkpoints without sidecars (`scan --sidecars off`) vs Python reading them;
// 6. bytes read on sparse checkpoints of growing size (must not grow with the tensors).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { planTorchCheckpoint } from "../src/core/formats/torch-checkpoint-writer.ts";
import { readCheckpointReport } from "../src/io/checkpoint/read-checkpoint.ts";
import { writeSparseFile } from "../src/io/fs/sparse-file-writer.ts";
import { lightningDict } from "../test/helpers/synthetic-checkpoints.ts";
import { makeTree } from "./make-tree.ts";
import {
  BULK_OPTIONS,
  benchFixtures,
  bulkFiles,
  median,
  ms,
  PYTHON_READER,
  ratio,
  runPythonReader,
  spawnTimed,
} from "./reader-bench-support.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    ...BULK_OPTIONS,
    copies: { type: "string", default: "50" },
    cold: { type: "string", default: "10000" },
    "bulk-only": { type: "boolean", default: false },
  },
});
const passes = Number(values.passes);
const rounds = Number(values.rounds);
const copies = Number(values.copies);
const cold = Number(values.cold);
const root = join(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "ckpt-reader-bench-"));

/** One round of ours in-process: every file once per pass; per-pass and per-file times. */
function oursBulk(paths: readonly string[], perFile: Map<string, number[]>): number[] {
  const passTimes: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const passStart = performance.now();
    for (const path of paths) {
      const start = performance.now();
      readCheckpointReport(path);
      const took = performance.now() - start;
      if (pass > 0) perFile.get(path)?.push(took);
    }
    if (pass > 0) passTimes.push(performance.now() - passStart);
  }
  return passTimes;
}

const fixtures = await benchFixtures();
const named = await bulkFiles(values.extra);
const paths = [...named.keys()];
for (const path of paths) readCheckpointReport(path);

const ours = new Map(paths.map((path) => [path, [] as number[]]));
const theirs = new Map(paths.map((path) => [path, [] as number[]]));
const [oursPasses, theirPasses]: [number[], number[]] = [[], []];
// CPU time per pass (all threads: Bun's JIT and GC threads count) is steadier than wall time on a loaded host.
const [oursCpu, theirCpu]: [number[], number[]] = [[], []];
for (let round = 0; round < rounds; round++) {
  const py = runPythonReader(["--passes", String(passes), ...paths]);
  theirPasses.push(...py.passes_ms.slice(1));
  theirCpu.push(py.cpu_ms / passes);
  for (const path of paths) theirs.get(path)?.push(py.per_file_ms[path] ?? 0);
  const cpu = process.cpuUsage();
  oursPasses.push(...oursBulk(paths, ours));
  const used = process.cpuUsage(cpu);
  oursCpu.push((used.user + used.system) / 1000 / passes);
}
const [bulkOurs, bulkTheirs] = [median(oursPasses), median(theirPasses)];
console.log(
  `## bulk in-process: ${paths.length} distinct files, ${passes} passes × ${rounds} rounds, alternating\n`,
);
console.log("| | ckpt | python stdlib reader | ckpt / python |\n|---|---:|---:|---:|");
console.log(
  `| one pass over all files (median) | ${ms(bulkOurs)} | ${ms(bulkTheirs)} | ${ratio(bulkOurs, bulkTheirs)} |`,
);
const [medOurs, medTheirs] = [ours, theirs].map((m) => median([...m.values()].map(median))) as [
  number,
  number,
];
console.log(`| median file | ${ms(medOurs)} | ${ms(medTheirs)} | ${ratio(medOurs, medTheirs)} |`);
const [cpuOurs, cpuTheirs] = [median(oursCpu), median(theirCpu)];
console.log(
  `| CPU time per pass (median of rounds) | ${ms(cpuOurs)} | ${ms(cpuTheirs)} | ${ratio(cpuOurs, cpuTheirs)} |`,
);

console.log("\n## per file (median over all passes)\n");
console.log("| file | ckpt | ckpt bytes read | python | python bytes read | ckpt / python |");
console.log("|---|---:|---:|---:|---:|---:|");
const bytes = runPythonReader(["--repeat", "1", ...paths]).bytes_read;
let slower = 0;
for (const path of paths) {
  const [a, b] = [median(ours.get(path) ?? []), median(theirs.get(path) ?? [])];
  if (a > b) slower += 1;
  const read = readCheckpointReport(path).bytes_read;
  console.log(`| ${named.get(path)} | ${ms(a)} | ${read} | ${ms(b)} | ${bytes[path]} | ${ratio(a, b)} |`);
}
console.log(`\nfiles where ckpt is slower than python: ${slower} of ${paths.length}`);
if (values["bulk-only"]) {
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

console.log("\n## one file repeated in-process (median of 300)\n");
for (const suffix of ["dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/last.ckpt", "weights/epoch0.pt"]) {
  const path = fixtures.find((f) => f.name.endsWith(suffix))?.path;
  if (path === undefined) continue;
  const times = Array.from({ length: 300 }, () => {
    const start = performance.now();
    readCheckpointReport(path);
    return performance.now() - start;
  });
  const py = runPythonReader(["--repeat", "300", path]).per_file_ms[path] ?? 0;
  console.log(`${named.get(path)}: ckpt ${ms(median(times))}, python ${ms(py)}, ${ratio(median(times), py)}`);
}

// Whole process: distinct copies of every fixture, the compiled binary against one python3 process.
const binary = join(work, "ckpt");
const build = Bun.spawnSync([process.execPath, join(root, "scripts/build-binary.ts"), "--outfile", binary]);
if (build.exitCode !== 0) throw new Error(build.stderr.toString());
const copied: string[] = [];
for (let copy = 0; copy < copies; copy++)
  for (const [path, name] of named) {
    const target = join(work, "copies", String(copy), name.replaceAll("/", "_"));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
    copied.push(target);
  }
const list = join(work, "copies.txt");
writeFileSync(list, `${copied.join("\n")}\n`);
const wholeOurs: number[] = [];
const wholeTheirs: number[] = [];
const oneOurs: number[] = [];
const oneTheirs: number[] = [];
const sample =
  copied[
    paths.indexOf(
      fixtures.find((f) => f.name.endsWith("full/2026-11-22/14-52-44/checkpoints/last.ckpt"))?.path ?? "",
    )
  ] ??
  copied[0] ??
  "";
for (let round = 0; round < Math.max(3, rounds); round++) {
  wholeTheirs.push(spawnTimed(["python3", PYTHON_READER, "--repeat", "1", "--files-from", list]));
  wholeOurs.push(spawnTimed([binary, "inspect", "--json", ...copied]));
  oneTheirs.push(spawnTimed(["python3", PYTHON_READER, "--repeat", "1", sample]));
  oneOurs.push(spawnTimed([binary, "inspect", "--json", sample]));
}
console.log(`\n## whole process (median of ${wholeOurs.length}, alternating; output to /dev/null)\n`);
console.log("| workload | ckpt | python3 reader | ckpt / python |\n|---|---:|---:|---:|");
const [w1, w2, o1, o2] = [median(wholeOurs), median(wholeTheirs), median(oneOurs), median(oneTheirs)];
console.log(
  `| \`ckpt inspect --json\` over ${copied.length} files (${paths.length} × ${copies} copies) | ${ms(w1)} | ${ms(w2)} | ${ratio(w1, w2)} |`,
);
console.log(`| one Lightning .ckpt, whole process | ${ms(o1)} | ${ms(o2)} | ${ratio(o1, o2)} |`);

if (cold > 0) {
  const tree = join(work, "cold");
  const coldPaths = makeTree({
    root: tree,
    runs: Math.max(1, Math.round(cold / 100)),
    perRun: Math.min(100, cold),
  });
  const coldList = join(work, "cold.txt");
  writeFileSync(coldList, `${coldPaths.join("\n")}\n`);
  Bun.spawnSync(["sync"]);
  const scan: number[] = [];
  const read: number[] = [];
  for (let round = 0; round < 3; round++) {
    read.push(spawnTimed(["python3", PYTHON_READER, "--repeat", "1", "--files-from", coldList]));
    const catalog = join(work, `cold-${round}.db`);
    scan.push(spawnTimed([binary, "scan", tree, "--catalog", catalog, "--sidecars", "off"]));
  }
  const [s, r] = [median(scan), median(read)];
  console.log(
    `| cold catalog of ${coldPaths.length} checkpoints, \`scan --sidecars off\` vs python reading them | ${ms(s)} | ${ms(r)} | ${ratio(s, r)} |`,
  );
}

console.log("\n## sparse checkpoints (one big float32 tensor + a Lightning dict): bytes read\n");
console.log("| size | ckpt bytes read | python bytes read |\n|---:|---:|---:|");
for (const gigabytes of [0.02, 2, 8]) {
  const numel = Math.round((gigabytes * 1e9) / 4);
  const path = join(work, `sparse-${gigabytes}.ckpt`);
  const big = { kind: "tensor", storage: { dtype: "float32", numel }, shape: [numel] } as const;
  writeSparseFile(
    path,
    planTorchCheckpoint(lightningDict({ epoch: 1, step: 10, score: 0.5, stateDict: { w: big } })),
  );
  const report = readCheckpointReport(path);
  console.log(
    `| ${report.size_bytes} | ${report.bytes_read} | ${runPythonReader(["--repeat", "1", path]).bytes_read[path]} |`,
  );
}
rmSync(work, { recursive: true, force: true });
