import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { type DaemonEnvironment, runCkpt } from "../helpers/daemon-process.ts";
import {
  HOSTILE_RUN,
  linesWithControlBytes,
  SHOWN_FILES,
  SHOWN_RUN,
  writeHostileCheckpoints,
} from "../helpers/hostile-names.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// Issue 14, item 5: names from disk never reach the terminal as control bytes, and a newline in one never splits
// a row. Real files, ckpt as a real process; every byte it prints is looked at.

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

function hostileTree(prefix: string) {
  const dir = makeTempDir(prefix);
  const runs = join(dir.path, "runs");
  writeHostileCheckpoints(runs);
  const environment: DaemonEnvironment = { home: dir.path, catalog: join(dir.path, "catalog.db") };
  return {
    runs,
    environment,
    shownRun: join(runs, SHOWN_RUN),
    [Symbol.dispose]: () => dir[Symbol.dispose](),
  };
}

/** In `ls` order (by path): `new…`, `o…`, `t…`. */
const SORTED = [SHOWN_FILES[2], SHOWN_FILES[1], SHOWN_FILES[0]];

describe("names with control bytes are printed escaped", () => {
  test("ls: the experiment column and the paths, one row per checkpoint", async () => {
    using tree = hostileTree("escaped-ls");
    const args = ["--catalog", tree.environment.catalog, "--columns", "experiment,path"];
    const ls = await runCkpt(tree.environment, ["ls", tree.runs, ...args]);
    expect(linesWithControlBytes(ls.stdout + ls.stderr)).toEqual([]);
    const pad = " ".repeat(SHOWN_RUN.length - "experiment".length);
    expect(ls.stdout).toBe(
      [`experiment${pad}  path`, ...SORTED.map((name) => `${SHOWN_RUN}  ${tree.shownRun}/${name}`), ""].join(
        "\n",
      ),
    );
  });

  test("validate: each checkpoint on its own line", async () => {
    using tree = hostileTree("escaped-validate");
    const validate = await runCkpt(tree.environment, ["validate", tree.runs]);
    expect(linesWithControlBytes(validate.stdout + validate.stderr)).toEqual([]);
    const missing = validate.stdout.split("\n").filter((line) => line.startsWith("  missing"));
    expect(missing).toEqual(SORTED.map((name) => `  missing     ${tree.shownRun}/${name}`));
  });

  test("inspect and show: the path, and every value read from the file", async () => {
    using tree = hostileTree("escaped-inspect");
    const path = join(tree.runs, HOSTILE_RUN, "t\x1b]0;pwned\x07.ckpt");
    const inspect = await runCkpt(tree.environment, ["inspect", path]);
    const show = await runCkpt(tree.environment, ["show", path]);
    expect(linesWithControlBytes(inspect.stdout + inspect.stderr + show.stdout + show.stderr)).toEqual([]);
    expect(inspect.stdout.split("\n")[0]).toBe(`${tree.shownRun}/${SHOWN_FILES[0]}`);
    expect(show.stdout.split("\n")[0]).toBe(`${tree.shownRun}/${SHOWN_FILES[0]}`);
  });

  test("an error message that names a file", async () => {
    using tree = hostileTree("escaped-error");
    const missing = join(tree.runs, HOSTILE_RUN, "o\x1b]52;c;aGVsbG8=\x07");
    const ls = await runCkpt(tree.environment, ["ls", missing, "--catalog", tree.environment.catalog]);
    expect({ exitCode: ls.exitCode, stdout: ls.stdout, stderr: ls.stderr }).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: `ckpt: ls: ${tree.shownRun}/o\\x1b]52;c;aGVsbG8=\\x07 does not exist; pass a checkpoint or a directory of them\n`,
    });
  });
});
