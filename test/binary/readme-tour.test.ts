// The README's examples, run word for word with the compiled binary in a fresh directory, must print exactly what
// the README shows (ages and file times aside, see maskTimes).
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { binaryIn, compiledBinary } from "../helpers/compiled-binary.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { pythonWithYaml } from "../helpers/python-with-yaml.ts";
import { fencedBlock, maskTimes, readmeExamples } from "../helpers/readme-examples.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const repo = join(import.meta.dir, "../..");
const readme = readFileSync(join(repo, "README.md"), "utf8");
/** The width the README's tables were printed at; the README says so above the tour. */
const README_COLUMNS = "100";

type Mismatch = { command: string; expected: string; actual: string };

function tourDirectory(path: string): Record<string, string> {
  const bin = join(path, "bin");
  mkdirSync(bin);
  binaryIn(bin);
  // `cp -r test/fixtures/real runs` is run from the repository root in the README.
  mkdirSync(join(path, "test"));
  symlinkSync(join(repo, "test/fixtures"), join(path, "test/fixtures"));
  const home = join(path, "home");
  return {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: home,
    XDG_STATE_HOME: join(home, "state"),
    XDG_RUNTIME_DIR: join(home, "run"),
    COLUMNS: README_COLUMNS,
    LANG: "C.UTF-8",
  };
}

function runShell(command: string, options: { cwd: string; env: Record<string, string> }): string {
  const result = Bun.spawnSync(["bash", "-c", `{ ${command}\n} 2>&1`], {
    cwd: options.cwd,
    env: options.env,
    stdout: "pipe",
  });
  return result.stdout.toString();
}

/** The README's YAML excerpt: its lines, `…` lines aside, appear in this order in the real sidecar. */
function excerptMismatch(excerpt: string, sidecar: string): string | null {
  const actual = maskTimes(sidecar).split("\n");
  let from = 0;
  for (const line of maskTimes(excerpt).split("\n")) {
    if (line.trim() === "…" || line.trim() === "") continue;
    const at = actual.indexOf(line, from);
    if (at < 0) return line;
    from = at + 1;
  }
  return null;
}

describe("the README, word for word", () => {
  beforeAll(() => {
    compiledBinary();
  }, 120_000);

  test("every `$` example of the tour prints what the README shows; the sidecar excerpt and the Python snippet are true", () => {
    using dir = makeTempDir("readme-tour");
    const env = tourDirectory(dir.path);
    const examples = readmeExamples(readme);
    expect(examples.length).toBeGreaterThan(5);
    const mismatches: Mismatch[] = [];
    for (const { command, output } of examples) {
      const actual = runShell(command, { cwd: dir.path, env });
      if (maskTimes(actual) !== maskTimes(output)) mismatches.push({ command, expected: output, actual });
    }
    expect(mismatches).toEqual([]);

    const excerpt = fencedBlock(readme, "yaml", "schema_version");
    const checkpointPath = /^checkpoint_path: "(.+)\.ckpt"$/m.exec(excerpt)?.[1];
    if (checkpointPath === undefined)
      throw new Error("the README's sidecar excerpt names no checkpoint_path");
    const sidecarPath = join(dir.path, "runs", `${checkpointPath}.metadata.yaml`);
    expect(excerptMismatch(excerpt, readFileSync(sidecarPath, "utf8"))).toBeNull();

    const snippet = fencedBlock(readme, "python", "safe_load");
    const printed = snippet
      .split("\n")
      .filter((line) => line.startsWith("# "))
      .map((line) => `${line.slice(2)}\n`)
      .join("");
    const python = Bun.spawnSync([pythonWithYaml(), "-c", snippet], {
      cwd: dirname(sidecarPath),
      stdout: "pipe",
      stderr: "pipe",
    });
    expect({ stdout: python.stdout.toString(), stderr: python.stderr.toString() }).toEqual({
      stdout: printed,
      stderr: "",
    });
  });
});

describe("maskTimes", () => {
  test("masks the age column's cells and ISO times, and nothing else", () => {
    const table = [
      "experiment  epoch    size  age  status  path",
      "exp_a           4  154 KB   1h  ok      runs/a-12s.ckpt",
      "exp_b          12  154 KB  35s  ok      runs/b.ckpt",
      "",
      "created_at: 2026-11-22T15:13:40.131Z, epoch 4s",
    ].join("\n");
    expect(maskTimes(table)).toBe(
      [
        "experiment  epoch    size  age  status  path",
        "exp_a           4  154 KB  AGE  ok      runs/a-12s.ckpt",
        "exp_b          12  154 KB  AGE  ok      runs/b.ckpt",
        "",
        "created_at: TIME, epoch 4s",
      ].join("\n"),
    );
  });
});
