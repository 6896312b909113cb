import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { tryLockCatalog } from "../../src/io/catalog/catalog-lock.ts";
import { binaryIn, compiledBinary, runBinary } from "../helpers/compiled-binary.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

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

  // src/main.ts restarts a scan in place without JavaScriptCore's FTL tier (command-registry.ts, jscOptions). The
  // scan waits on a catalog lock this test holds, so the running process can be looked at: same pid, option set.
  test.skipIf(process.platform !== "linux")("runs without FTL, restarted in place (same pid)", async () => {
    using dir = makeTempDir("bin-scan-jsc");
    const binary = binaryIn(dir.path);
    mkdirSync(join(dir.path, "runs"));
    copyFileSync(
      join(import.meta.dir, "../fixtures/real/torch/bf16_weights.pt"),
      join(dir.path, "runs/a.pt"),
    );
    const catalog = join(dir.path, "catalog.db");
    const held = tryLockCatalog(catalog, { command: "test", now: Date.now });
    if (!held.success) throw new Error("the test could not take the catalog lock");
    const stderrFile = join(dir.path, "stderr.txt");
    const child = Bun.spawn([binary, "scan", "runs", "--catalog", catalog, "--wait", "600", "--json"], {
      cwd: dir.path,
      env: { PATH: "/usr/bin:/bin" },
      stdout: "pipe",
      stderr: Bun.file(stderrFile),
    });
    try {
      await waitFor(() => readFileSync(stderrFile, "utf8").includes("waiting for"), {
        what: "the scan to wait",
        // Starting the binary twice (the re-exec) on a loaded machine: as long as the test's budget allows.
        timeoutMs: PROCESS_TEST_TIMEOUT_MS / 2,
      });
      const environment = readFileSync(`/proc/${child.pid}/environ`, "utf8").split("\0");
      expect(environment).toContain("BUN_JSC_useFTLJIT=0");
    } finally {
      held.data.release();
    }
    expect(await child.exited).toBe(0);
    expect(JSON.parse(await new Response(child.stdout).text())).toMatchObject({ added: 1, failed: 0 });
  });
});
