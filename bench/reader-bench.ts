// Checkpoint reader benchmark: `bun bench/reader-bench.ts [--repeat 30]`.
// Same run, same files: ckpt in-process (readCheckpointReport), whole-process `ckpt inspect` (compiled binary),
// Python's best metadata-only reader (bench/python_metadata_reader.py), torch.load when importable, and bytes read
// on sparse checkpoints of growing size.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { planTorchCheckpoint } from "../src/core/formats/torch-checkpoint-writer.ts";
import { readCheckpointReport } from "../src/io/read-checkpoint.ts";
import { writeSparseFile } from "../src/io/sparse-file-writer.ts";
import { listRealFixtures } from "../test/helpers/real-fixtures.ts";
import { lightningDict } from "../test/helpers/synthetic-checkpoints.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { repeat: { type: "string", default: "30" } },
});
const repeat = Number(values.repeat);
const root = join(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "ckpt-bench-"));

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const ms = (value: number) => `${value.toFixed(3)} ms`;

function timeOurs(path: string): number {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    readCheckpointReport(path);
    times.push(performance.now() - start);
  }
  return median(times);
}

type PythonResult = { per_file_ms: Record<string, number>; bytes_read: Record<string, number> };

function timePython(paths: readonly string[], times = repeat): PythonResult {
  const run = Bun.spawnSync([
    "python3",
    join(root, "bench/python_metadata_reader.py"),
    "--repeat",
    String(times),
    ...paths,
  ]);
  if (run.exitCode !== 0) throw new Error(run.stderr.toString());
  return JSON.parse(run.stdout.toString()) as PythonResult;
}

function wholeProcess(command: string[], runs = 10): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const run = Bun.spawnSync(command, { stdout: "pipe", stderr: "pipe" });
    if (run.exitCode > 1) throw new Error(`${command.join(" ")} failed: ${run.stderr.toString()}`);
    times.push(performance.now() - start);
  }
  return median(times);
}

// Hostile and broken files are never handed to Python's unpickler.
// The Python reader knows torch zips, pickles and safetensors; GGUF/ONNX have their own bench (exported-bench.ts).
const fixtures = (await listRealFixtures()).filter(
  (f) => !f.name.startsWith("broken/") && !["gguf", "onnx"].includes(String(f.truth["framework"])),
);
const paths = fixtures.map((f) => f.path);
for (const path of paths) readCheckpointReport(path); // warm-up (JIT, page cache)
const ours = new Map(paths.map((path) => [path, timeOurs(path)]));
const python = timePython(paths);

console.log(`## per-file extraction, in-process (median of ${repeat}), ${fixtures.length} fixtures\n`);
console.log("| file | bytes | ckpt | ckpt bytes read | python stdlib | python bytes read | python / ckpt |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const fixture of fixtures) {
  const [a, b] = [ours.get(fixture.path) ?? 0, python.per_file_ms[fixture.path] ?? 0];
  const read = readCheckpointReport(fixture.path).bytes_read;
  console.log(
    `| ${fixture.name} | ${fixture.truth["size_bytes"]} | ${ms(a)} | ${read} | ${ms(b)} | ${python.bytes_read[fixture.path]} | ${(b / a).toFixed(2)}× |`,
  );
}
const [oursMedian, pythonMedian] = [median([...ours.values()]), median(Object.values(python.per_file_ms))];
console.log(
  `\nmedian per file: ckpt ${ms(oursMedian)}, python stdlib ${ms(pythonMedian)}, python/ckpt ${(pythonMedian / oursMedian).toFixed(2)}×`,
);

// Whole process: the compiled binary vs a python3 process reading the same file.
const binary = join(work, "ckpt");
const build = Bun.spawnSync([process.execPath, join(root, "scripts/build-binary.ts"), "--outfile", binary]);
if (build.exitCode !== 0) throw new Error(build.stderr.toString());
const sample =
  fixtures.find((f) => f.name.endsWith("dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/last.ckpt"))
    ?.path ??
  paths[0] ??
  "";
const binaryMs = wholeProcess([binary, "inspect", "--json", sample]);
const binaryAllMs = wholeProcess([binary, "inspect", "--json", ...paths], 5);
const pythonMs = wholeProcess([
  "python3",
  join(root, "bench/python_metadata_reader.py"),
  "--repeat",
  "1",
  sample,
]);
const pythonAllMs = wholeProcess(
  ["python3", join(root, "bench/python_metadata_reader.py"), "--repeat", "1", ...paths],
  5,
);
console.log("\n## whole process (median of 10; all fixtures: median of 5)\n");
console.log(
  `ckpt inspect --json (one Lightning .ckpt): ${ms(binaryMs)}; python3 reader process: ${ms(pythonMs)}; ratio ${(pythonMs / binaryMs).toFixed(2)}×`,
);
console.log(
  `ckpt inspect --json (all ${paths.length} fixtures, one process): ${ms(binaryAllMs)}; python3: ${ms(pythonAllMs)}; ratio ${(pythonAllMs / binaryAllMs).toFixed(2)}×`,
);

const torch = Bun.spawnSync(["python3", "-c", "import torch"], { stderr: "pipe" });
console.log(
  torch.exitCode === 0
    ? "\ntorch is importable: bun bench/torch-load-bench.ts measures torch.load on a 2 GB checkpoint"
    : "\ntorch.load: see bench/torch-load-bench.ts (it also tries Debian's /usr/bin/python3)",
);

// Sparse checkpoints: bytes read must not grow with the tensors' size.
console.log("\n## sparse checkpoints (one big float32 tensor + a Lightning dict)\n");
console.log("| size | ckpt | ckpt bytes read | python stdlib | python bytes read |");
console.log("|---:|---:|---:|---:|---:|");
for (const gigabytes of [0.02, 2, 8]) {
  const numel = Math.round((gigabytes * 1e9) / 4);
  const path = join(work, `sparse-${gigabytes}.ckpt`);
  const big = { kind: "tensor", storage: { dtype: "float32", numel }, shape: [numel] } as const;
  writeSparseFile(
    path,
    planTorchCheckpoint(lightningDict({ epoch: 1, step: 10, score: 0.5, stateDict: { w: big } })),
  );
  const report = readCheckpointReport(path);
  const py = timePython([path], 5);
  console.log(
    `| ${report.size_bytes} | ${ms(timeOurs(path))} | ${report.bytes_read} | ${ms(py.per_file_ms[path] ?? 0)} | ${py.bytes_read[path]} |`,
  );
}
rmSync(work, { recursive: true, force: true });
