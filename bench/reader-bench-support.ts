// Small helpers for the reader benches (reader-bench.ts, reader-bench-ab.ts, reader-cold-code.ts).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { listRealFixtures, type RealFixture } from "../test/helpers/real-fixtures.ts";

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const ms = (value: number) => `${value.toFixed(3)} ms`;

/** `ckpt / python` as a factor: below 1.00× ckpt is faster. */
export const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)}×`;

/** Wall time of one process in ms; stdout to /dev/null; exit codes above 1 (usage, crash) fail the bench. */
export function spawnTimed(command: string[]): number {
  const start = performance.now();
  const run = Bun.spawnSync(command, { stdout: "ignore", stderr: "pipe" });
  const took = performance.now() - start;
  if (run.exitCode > 1)
    throw new Error(`${command.slice(0, 3).join(" ")} … failed: ${run.stderr.toString()}`);
  return took;
}

const CHECKPOINT = /\.(ckpt|pt|pth|pth\.tar|bin)$/;

/** Checkpoint files under `dir` (by extension), for `--extra`: checkpoints the fixtures do not include. */
export function extraCheckpoints(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = statSync(path);
    if (stats.isDirectory()) out.push(...extraCheckpoints(path));
    else if (stats.isFile() && CHECKPOINT.test(name)) out.push(path);
  }
  return out.sort();
}

/**
 * The fixtures the reader benches read: every real fixture but the broken ones (hostile files are never handed to
 * Python's unpickler) and GGUF/ONNX (the Python reader knows torch zips, pickles and safetensors; exported models
 * have their own bench, exported-bench.ts).
 */
export async function benchFixtures(): Promise<RealFixture[]> {
  return (await listRealFixtures()).filter(
    (f) => !f.name.startsWith("broken/") && !["gguf", "onnx"].includes(String(f.truth["framework"])),
  );
}

/** The files of a bulk run, path → the name a table shows: the bench fixtures, then every checkpoint under `extra`. */
export async function bulkFiles(extra: readonly string[]): Promise<Map<string, string>> {
  const named = new Map<string, string>((await benchFixtures()).map((f) => [f.path, f.name]));
  for (const dir of extra) for (const path of extraCheckpoints(dir)) named.set(path, path);
  return named;
}

/** The options every bulk reader bench takes (`parseArgs` options): passes, rounds, extra checkpoint dirs. */
export const BULK_OPTIONS = {
  passes: { type: "string", default: "20" },
  rounds: { type: "string", default: "3" },
  extra: { type: "string", multiple: true, default: [] as string[] },
} as const;

export type PythonResult = {
  per_file_ms: Record<string, number>;
  bytes_read: Record<string, number>;
  passes_ms: number[];
  cpu_ms: number;
};

/** Python's best metadata-only reader: zipfile → data.pkl → the C unpickler with classes stubbed. */
export const PYTHON_READER = join(import.meta.dir, "python_metadata_reader.py");

/** One run of bench/python_metadata_reader.py with `args`; its JSON answer. */
export function runPythonReader(args: readonly string[]): PythonResult {
  const run = Bun.spawnSync(["python3", PYTHON_READER, ...args]);
  if (run.exitCode !== 0) throw new Error(run.stderr.toString());
  return JSON.parse(run.stdout.toString()) as PythonResult;
}
