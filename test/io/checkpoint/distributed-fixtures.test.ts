import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { CheckpointReport } from "../../../src/core/checkpoint/checkpoint-report.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import {
  actualDirFacts,
  actualFileFacts,
  expectedDirFacts,
  expectedFileFacts,
  isRunTruth,
} from "../../helpers/distributed-truth.ts";
import { readTruth } from "../../helpers/read-truth.ts";

// Every file and directory of the distributed-format fixtures (DeepSpeed, torch DCP, Accelerate, HF sharded /
// PEFT, hostile ones) against the truth its writer's own loader produced (README.md there).
const root = join(import.meta.dir, "..", "..", "fixtures", "distributed");
const fixtures = await Promise.all(
  [...new Glob("**/*.truth.json").scanSync({ cwd: root, dot: true })].sort().map(async (truthName) => {
    const name = truthName.replace(/\.truth\.json$/, "");
    const path = join(root, name);
    return { name, path, truth: await readTruth(join(root, truthName)), isDir: statSync(path).isDirectory() };
  }),
);
const checkpointDirs = fixtures.filter((f) => f.isDir && !isRunTruth(f.truth));
const files = fixtures.filter((f) => !f.isDir);

describe("distributed fixtures: every checkpoint directory is reported as its truth says", () => {
  test.each(checkpointDirs.map((f) => [f.name, f] as const))("%s", (name, fixture) => {
    const report = readCheckpointReport(fixture.path);
    expect(actualDirFacts(name, fixture.truth, report)).toEqual(expectedDirFacts(name, fixture.truth));
    expect(CheckpointReport.safeParse(report).success).toBe(true);
  });
});

describe("distributed fixtures: every file inside them", () => {
  test.each(files.map((f) => [f.name, f] as const))("%s", (name, fixture) => {
    const report = readCheckpointReport(fixture.path);
    expect(actualFileFacts(fixture.truth, report)).toEqual(expectedFileFacts(fixture.truth));
    if (name.startsWith("broken/")) expect(report.status).toBe("unsafe");
    else expect(report.safety?.status ?? "safe").toBe("safe");
  });
});

describe("distributed fixtures: hostile ones name the callable", () => {
  test.each([
    ["broken/ds_hostile", "os.system"],
    ["broken/ds_hostile/global_step10", "os.system"],
    ["broken/dcp_hostile", "posix.system"],
  ] as const)("%s → unsafe (%s)", (name, callable) => {
    const report = readCheckpointReport(join(root, name));
    expect({ status: report.status, dangerous: report.safety?.dangerous }).toEqual({
      status: "unsafe",
      dangerous: [callable],
    });
    expect(report.error?.message).toContain(callable);
  });
});
