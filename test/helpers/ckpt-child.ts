// Test-only: `ckpt` from source as a child process the test controls (signals it, watches the disk meanwhile).
import { resolve } from "node:path";

/** The CLI's entry, run with the test's own Bun. */
export const ckptMainScript = resolve(import.meta.dir, "../../src/main.ts");

/**
 * Starts `ckpt ARGV` in `cwd` with only PATH and HOME (= `cwd`) in its environment; stdout is dropped, stderr kept
 * for a failure message. The caller waits for, kills and reaps it.
 */
export function spawnCkptChild(argv: readonly string[], options: { readonly cwd: string }) {
  return Bun.spawn([process.execPath, ckptMainScript, ...argv], {
    cwd: options.cwd,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: options.cwd },
    stdout: "ignore",
    stderr: "pipe",
  });
}
