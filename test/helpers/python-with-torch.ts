// Loading what ckpt rewrites with torch itself is the promise of `prune --strip-optimizer`, so its tests fail (not
// skip) when Debian's /usr/bin/python3 has no torch. `.ci/run` installs python3-torch when missing.
import { join } from "node:path";

const PYTHON = "/usr/bin/python3";
let checked = false;

export function pythonWithTorch(): string {
  if (checked) return PYTHON;
  let found = false;
  try {
    found = Bun.spawnSync([PYTHON, "-c", "import torch"]).exitCode === 0;
  } catch {
    // no python3 at all
  }
  if (!found) throw new Error(`these tests need ${PYTHON} with torch: apt-get install python3-torch`);
  checked = true;
  return PYTHON;
}

/** Runs a Python script from test/helpers with the args; its stdout parsed as JSON, or throws with its stderr. */
export function runTorchScript(script: string, args: readonly string[]): unknown {
  const ran = Bun.spawnSync([pythonWithTorch(), join(import.meta.dir, script), ...args]);
  if (ran.exitCode !== 0) throw new Error(`${script} failed: ${ran.stderr.toString()}`);
  return JSON.parse(ran.stdout.toString());
}
