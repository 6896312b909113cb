import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repoRoot = resolve(import.meta.dir, "../..");
let builtPath: string | undefined;

/** Builds the binary once per test process with the project's own build script, into a temp dir. */
export function compiledBinary(): string {
  if (builtPath !== undefined && existsSync(builtPath)) return builtPath;
  const outfile = join(mkdtempSync(join(tmpdir(), "ckpt-bin-")), "ckpt");
  const result = Bun.spawnSync([process.execPath, "scripts/build-binary.ts", "--outfile", outfile], {
    cwd: repoRoot,
    stderr: "pipe",
    stdout: "pipe",
  });
  if (result.exitCode !== 0) throw new Error(`build failed:\n${result.stderr.toString()}`);
  builtPath = outfile;
  return outfile;
}

/** Copies the binary into `directory`, which has no node_modules, and returns the copy's path. */
export function binaryIn(directory: string): string {
  const target = join(directory, "ckpt");
  copyFileSync(compiledBinary(), target);
  return target;
}

export type RunResult = { exitCode: number; stdout: string; stderr: string };

export function runBinary(binary: string, args: readonly string[], cwd: string): RunResult {
  const result = Bun.spawnSync([binary, ...args], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: "/usr/bin:/bin" },
  });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}
