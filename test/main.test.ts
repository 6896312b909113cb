import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { Glob } from "bun";
import { PROCESS_TEST_TIMEOUT_MS } from "./helpers/process-budget.ts";
import { realFixtureRoot } from "./helpers/real-fixtures.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const main = join(import.meta.dir, "../src/main.ts");

describe("main", () => {
  test("a reader that goes away (| head) ends ckpt quietly with SIGPIPE's status, 141", () => {
    const checkpoints = [...new Glob("**/*.{ckpt,pt,pth.tar}").scanSync(realFixtureRoot)].map((name) =>
      join(realFixtureRoot, name),
    );
    // Far more than a pipe buffer (64 KiB), so ckpt is still writing when head has gone.
    const args = Array.from({ length: 20 }, () => checkpoints).flat();
    const script = `"$@" | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}"`;
    const result = Bun.spawnSync(
      ["bash", "-c", script, "bash", process.execPath, main, "inspect", "--json", ...args],
      {
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    expect({ stdout: result.stdout.toString(), stderr: result.stderr.toString() }).toEqual({
      stdout: "status=141\n",
      stderr: "",
    });
  });
});
