import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPathCompleteness, statPathIdentity } from "../../src/daemon/settle-probes.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

describe("settle probes", () => {
  test("a file: identity from stat, completeness from the zip end records", () => {
    using dir = makeTempDir("probes");
    const path = join(dir.path, "a.pt");
    const bytes = torchZipBytes();
    writeFileSync(path, bytes.subarray(0, 300));
    expect(checkPathCompleteness(path).state).toBe("incomplete");
    writeFileSync(path, bytes);
    expect(checkPathCompleteness(path).state).toBe("complete");
    expect(statPathIdentity(path)?.size).toBe(bytes.length);
    expect(statPathIdentity(join(dir.path, "missing.pt"))).toBeUndefined();
  });

  test("an HF checkpoint-N/ dir is incomplete until trainer_state.json parses; its identity folds its files", () => {
    using dir = makeTempDir("probes");
    const path = join(dir.path, "checkpoint-20");
    mkdirSync(path);
    writeFileSync(join(path, "pytorch_model.bin"), torchZipBytes());
    expect(checkPathCompleteness(path)).toEqual({
      state: "incomplete",
      reason: "no trainer_state.json yet (the Trainer writes it last)",
    });
    const before = statPathIdentity(path);
    const state = '{"global_step": 20, "best_metric": NaN}';
    writeFileSync(join(path, "trainer_state.json"), state);
    expect(checkPathCompleteness(path).state).toBe("complete");
    expect(statPathIdentity(path)?.size).toBe((before?.size ?? 0) + state.length);
  });
});
