// Exported-model reader benchmark: `bun bench/exported-bench.ts [--repeat 20]`.
// For GGUF, ONNX, Keras 3 `.keras` and NeMo `.nemo`: a 20 MB and a 2 GB sparse file each (ONNX 1.9 GB: protobuf
// caps a message at 2 GiB), ckpt in-process and whole-process (`bun src/main.ts inspect --json`), bytes read, and
// the best Python stdlib reader of the same header in the same run (bench/python_exported_reader.py).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { WritePlan } from "../src/core/formats/zip-writer.ts";
import { readCheckpointReport } from "../src/io/checkpoint/read-checkpoint.ts";
import { writeSparseFile } from "../src/io/fs/sparse-file-writer.ts";
import { ggufPlan, kerasPlan, nemoPlan, onnxPlan } from "./exported-files.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { repeat: { type: "string", default: "20" } },
});
const repeat = Number(values.repeat);
const root = join(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "ckpt-exported-bench-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const number = new Intl.NumberFormat("en-US");

const FORMATS: [string, (payload: number) => WritePlan, number][] = [
  ["gguf", ggufPlan, 2e9],
  ["onnx", onnxPlan, 1.9e9],
  ["keras", kerasPlan, 2e9],
  ["nemo", nemoPlan, 2e9],
];

/** Median and fastest: on a loaded 2-core box the median carries the scheduler's noise, the minimum the cost. */
function timeOurs(path: string): string {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    readCheckpointReport(path);
    times.push(performance.now() - start);
  }
  return `${median(times).toFixed(3)} / ${Math.min(...times).toFixed(3)} ms`;
}

function wholeProcess(path: string): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const run = Bun.spawnSync(["bun", join(root, "src/main.ts"), "inspect", "--json", path], {
      stdout: "pipe",
    });
    if (run.exitCode !== 0) throw new Error(`inspect ${path} exited ${run.exitCode}`);
    times.push(performance.now() - start);
  }
  return median(times);
}

try {
  const files: { format: string; path: string; size: number }[] = [];
  for (const [format, plan, big] of FORMATS)
    for (const payload of [20e6, big]) {
      const path = join(work, `model-${payload}.${format}`);
      const written = plan(payload);
      writeSparseFile(path, written);
      files.push({ format, path, size: written.size });
    }
  for (const file of files) readCheckpointReport(file.path); // warm-up (JIT, page cache)
  const python = Bun.spawnSync([
    "python3",
    join(root, "bench/python_exported_reader.py"),
    "--repeat",
    String(repeat),
    ...files.map((f) => f.path),
  ]);
  if (python.exitCode !== 0) throw new Error(python.stderr.toString());
  const baseline = JSON.parse(python.stdout.toString()) as {
    per_file_ms: Record<string, number>;
    min_ms: Record<string, number>;
    bytes_read: Record<string, number>;
  };
  console.log(
    `| format | file size | status | ckpt in-process (median / min of ${repeat}) | ckpt bytes read | ckpt whole process | python stdlib (median / min) | python bytes read |`,
  );
  console.log("|---|---:|---|---:|---:|---:|---:|---:|");
  for (const file of files) {
    const report = readCheckpointReport(file.path);
    const row = [
      file.format,
      number.format(file.size),
      `${report.status} (${report.framework})`,
      timeOurs(file.path),
      number.format(report.bytes_read),
      `${wholeProcess(file.path).toFixed(1)} ms`,
      `${(baseline.per_file_ms[file.path] ?? 0).toFixed(3)} / ${(baseline.min_ms[file.path] ?? 0).toFixed(3)} ms`,
      number.format(baseline.bytes_read[file.path] ?? 0),
    ];
    console.log(`| ${row.join(" | ")} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
