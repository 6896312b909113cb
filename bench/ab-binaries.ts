// A/B of whole ckpt processes: the binary of another git ref (e.g. main) built beside this checkout's, and both
// run alternately, so a loaded machine slows both alike. Used by startup-bench.ts and shared-catalog-bench.ts.
import { mkdirSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");

/** `bun scripts/build-binary.ts` of this checkout, into `into/ckpt`. */
export function buildThisBinary(into: string): string {
  const binary = join(into, "ckpt");
  const build = Bun.spawnSync([process.execPath, "scripts/build-binary.ts", "--outfile", binary], {
    cwd: root,
  });
  if (build.exitCode !== 0) throw new Error(build.stderr.toString());
  return binary;
}

/**
 * The binary of git ref `ref`: its tree from `git archive` (the repository is not touched), this checkout's
 * node_modules, its own build script.
 */
export function buildBinaryOfRef(ref: string, into: string): string {
  const tree = join(into, `tree-${ref.replace(/[^\w.-]/g, "_")}`);
  mkdirSync(tree, { recursive: true });
  const unpack = Bun.spawnSync([
    "bash",
    "-c",
    'git -C "$1" archive "$2" | tar -x -C "$3"',
    "bash",
    root,
    ref,
    tree,
  ]);
  if (unpack.exitCode !== 0) throw new Error(`git archive ${ref}: ${unpack.stderr.toString()}`);
  symlinkSync(join(root, "node_modules"), join(tree, "node_modules"));
  const binary = join(into, `ckpt-${ref.replace(/[^\w.-]/g, "_")}`);
  const build = Bun.spawnSync([process.execPath, "scripts/build-binary.ts", "--outfile", binary], {
    cwd: tree,
  });
  if (build.exitCode !== 0) throw new Error(`build of ${ref}: ${build.stderr.toString()}`);
  return binary;
}

/** Wall time per run, and the process's CPU time (user + system): on a loaded box the second is the steadier. */
export type ProcessSamples = { readonly wall: number[]; readonly cpu: number[] };

export type TimedCommand = {
  readonly argv: readonly string[];
  readonly env?: Record<string, string>;
  /** Exit codes that are an answer, not a failure. @default [0] */
  readonly exits?: readonly number[];
};

function runOnce(command: TimedCommand, into: ProcessSamples): void {
  const started = performance.now();
  const result = Bun.spawnSync([...command.argv], {
    ...(command.env === undefined ? {} : { env: command.env }),
    stdout: "ignore",
    stderr: "pipe",
  });
  into.wall.push(performance.now() - started);
  const { user, system } = result.resourceUsage.cpuTime;
  into.cpu.push(Number(user + system) / 1000);
  if (!(command.exits ?? [0]).includes(result.exitCode))
    throw new Error(`${command.argv.join(" ")}: ${result.stderr.toString()}`);
}

/**
 * Runs the commands in turn, `runs` rounds after `warmup` untimed ones (the page cache); samples per command, the
 * i-th of each from the same round. Every other round runs them in reverse order, so neither always runs first.
 */
export function timeAlternately(
  commands: readonly TimedCommand[],
  runs: number,
  warmup = 2,
): ProcessSamples[] {
  const samples = commands.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < warmup; round++)
    for (const command of commands) runOnce(command, { wall: [], cpu: [] });
  for (let round = 0; round < runs; round++) {
    const order = commands.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const command = commands[index];
      const into = samples[index];
      if (command !== undefined && into !== undefined) runOnce(command, into);
    }
  }
  return samples;
}

export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** `median 12.3 ms  p95 15.0 ms  CPU 10.1 ms` */
export function describeSamples(samples: ProcessSamples): string {
  const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;
  return `median ${ms(quantile(samples.wall, 0.5))}  p95 ${ms(quantile(samples.wall, 0.95))}  CPU ${ms(quantile(samples.cpu, 0.5))}`;
}
