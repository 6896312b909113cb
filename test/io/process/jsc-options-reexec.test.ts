import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const probe = join(import.meta.dir, "../../helpers/jsc-reexec-probe.ts");
const onLinux = process.platform === "linux";

/** Runs the probe from a shell, its last argument `a` + byte 0xff + `b` (not UTF-8), as a user's shell would. */
function runProbe(env: Record<string, string>) {
  const result = Bun.spawnSync(
    ["sh", "-c", `exec "$0" "$1" "$(printf 'a\\377b')"`, process.execPath, probe],
    {
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...env },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const started = result.stderr.toString().trim().split("\n");
  return { code: result.exitCode, started, seen: JSON.parse(result.stdout.toString()) };
}

describe("reexecWithJscOptions", () => {
  test.skipIf(!onLinux)("restarts the process in place with the option set, arguments byte for byte", () => {
    const run = runProbe({});
    expect(run.code).toBe(0);
    // Two starts of one pid: an exec, not a child; the second did not restart again.
    expect(run.started).toHaveLength(2);
    expect(run.started[0]).toBe(run.started[1]);
    expect(run.started[0]).toBe(`started ${run.seen.pid}`);
    expect(run.seen).toMatchObject({ useFTLJIT: "0", lastArgumentHex: "61ff62" });
  });

  test("keeps a value the user set, and does not restart", () => {
    const run = runProbe({ BUN_JSC_useFTLJIT: "1" });
    expect(run.code).toBe(0);
    expect(run.started).toEqual([`started ${run.seen.pid}`]);
    expect(run.seen).toMatchObject({ useFTLJIT: "1", lastArgumentHex: onLinux ? "61ff62" : null });
  });
});
