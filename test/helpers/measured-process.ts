// Test- and bench-only: run `ckpt` from source as a whole process and report what it cost.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const mainScript = resolve(import.meta.dir, "../../src/main.ts");

export type MeasuredRun = {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size of the process (`VmHWM`), in bytes. */
  readonly maxRssBytes: number;
  readonly wallMs: number;
  /** Killed after `timeoutMs`; the peak RSS is the one reached until then. */
  readonly timedOut: boolean;
};

/** `VmHWM` of a live process, in bytes; undefined once it is gone. */
export function peakRssOf(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Runs `ckpt ARGV` (from source, or `options.main`) and waits for it; never throws on a non-zero exit. The peak
 * RSS is the child's own high-water mark, read from /proc while it runs: `getrusage` would report the parent's
 * peak too (Linux copies it into a spawned child), and a test process that built a big input is big.
 */
export async function runCkptMeasured(
  argv: readonly string[],
  options: {
    readonly cwd?: string;
    readonly env?: Record<string, string>;
    readonly main?: string;
    /** Kill the process after this long (benchmarks of the old code). @default no limit */
    readonly timeoutMs?: number;
  } = {},
): Promise<MeasuredRun> {
  const started = performance.now();
  const child = Bun.spawn([process.execPath, options.main ?? mainScript, ...argv], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/" },
    stdout: "pipe",
    stderr: "pipe",
  });
  let peak = 0;
  let timedOut = false;
  const sample = setInterval(() => {
    peak = Math.max(peak, peakRssOf(child.pid) ?? 0);
    if (options.timeoutMs !== undefined && performance.now() - started > options.timeoutMs && !timedOut) {
      timedOut = true;
      child.kill("SIGKILL");
    }
  }, 10);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearInterval(sample);
  const wallMs = performance.now() - started;
  return { exitCode, stdout, stderr, maxRssBytes: peak, wallMs, timedOut };
}
