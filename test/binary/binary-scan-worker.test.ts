import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { binaryIn, compiledBinary, runBinary } from "../helpers/compiled-binary.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

// The scan starts a read worker once it has found 256 checkpoints to read, on a machine with a second core.
const CHECKPOINTS = 300;

describe("compiled binary's scan", () => {
  beforeAll(() => {
    compiledBinary();
  }, 120_000);

  // Since the move to src/io/scan/ the binary asked for its worker under a stale name and every scan read on the
  // main thread alone, silently. A worker that fails now says so on one line; here it must load.
  test.skipIf(availableParallelism() < 2)("loads its read worker (no worker failure line)", () => {
    using dir = makeTempDir("bin-scan-worker");
    const binary = binaryIn(dir.path);
    const fixture = join(import.meta.dir, "../fixtures/real/torch/bf16_weights.pt");
    for (let run = 0; run < 3; run++) {
      const runDir = join(dir.path, "runs", `run${run}`);
      mkdirSync(runDir, { recursive: true });
      for (let index = 0; index < CHECKPOINTS / 3; index++)
        copyFileSync(fixture, join(runDir, `epoch${index}.pt`));
    }
    const catalog = join(dir.path, "catalog.db");
    const args = ["scan", "runs", "--catalog", catalog, "--sidecars", "off", "--json"];
    const result = runBinary(binary, args, dir.path);
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toMatchObject({ added: CHECKPOINTS, failed: 0 });
  });
});
