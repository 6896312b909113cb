// Test- and bench-only: run `ckpt` from source as a whole process and report what it cost.
import { resolve } from "node:path";

const mainScript = resolve(import.meta.dir, "../../src/main.ts");

export type MeasuredRun = {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size of the process, in bytes (`getrusage` of the child). */
  readonly maxRssBytes: number;
  readonly wallMs: number;
};

/** Runs `ckpt ARGV` (from source, or `options.main`) and waits for it; never throws on a non-zero exit. */
export async function runCkptMeasured(
  argv: readonly string[],
  options: { readonly cwd?: string; readonly env?: Record<string, string>; readonly main?: string } = {},
): Promise<MeasuredRun> {
  const started = performance.now();
  const child = Bun.spawn([process.execPath, options.main ?? mainScript, ...argv], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const wallMs = performance.now() - started;
  return { exitCode, stdout, stderr, maxRssBytes: child.resourceUsage()?.maxRSS ?? 0, wallMs };
}
