// Test-only: the framework-written checkpoints in test/fixtures/real and their truth files.

import { dirname, join } from "node:path";
import { Glob } from "bun";
import { readTruth, type Truth } from "./read-truth.ts";

export const realFixtureRoot = join(import.meta.dir, "..", "fixtures", "real");

export interface RealFixture {
  /** Relative to the fixture root, e.g. `torch/bf16_weights.pt`. */
  readonly name: string;
  /** Readable file: a committed symlink stand-in (a text file holding the target) is followed. */
  readonly path: string;
  readonly truth: Truth;
}

export async function listRealFixtures(): Promise<RealFixture[]> {
  const names = [...new Glob("**/*.truth.json").scanSync(realFixtureRoot)].sort();
  const out: RealFixture[] = [];
  for (const truthName of names) {
    const truth = await readTruth(join(realFixtureRoot, truthName));
    const name = truthName.replace(/\.truth\.json$/, "");
    const target = truth["symlink_target"];
    const path = join(realFixtureRoot, typeof target === "string" ? join(dirname(name), target) : name);
    out.push({ name, path, truth });
  }
  return out;
}
