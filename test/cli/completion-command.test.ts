import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { allMetricDefinitions } from "../../src/core/metrics/metric-catalog.ts";
import { writeSidecar } from "../../src/io/sidecar/sidecar-store.ts";
import { sampleMetadata, writeCheckpoint } from "../helpers/catalog-tree.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

// One catalog whose entries log a custom metric, and a `ckpt` on disk for the scripts to call back into.
const dir = mkdtempSync(join(tmpdir(), "ckpt-completion-"));
const catalog = join(dir, "catalog.db");
const ckpt = join(dir, "bin/ckpt");
const canonical = allMetricDefinitions().map((definition) => definition.name);

beforeAll(async () => {
  const path = writeCheckpoint(join(dir, "runs/a/checkpoints/epoch=1.ckpt"));
  const metadata = sampleMetadata(path, { exp: "a", epoch: 1, hmean: 0.5 });
  // A name a shell must never expand, and one it cannot complete at all.
  const additional = { "lr-AdamW": 0.001, "val/hmean": 0.5, "$(ckpt_pwned)": 2, "bad name\u001b": 1 };
  const written = writeSidecar(
    `${path.slice(0, -".ckpt".length)}.metadata.yaml`,
    { ...metadata, metrics: { ...metadata.metrics, additional_metrics: additional } },
    { force: true },
  );
  if (!written.success) throw new Error(written.error.message);
  const scanned = await runCliInProcess(["scan", "runs", "--catalog", catalog], { cwd: dir });
  if (scanned.exitCode !== 0) throw new Error(scanned.stderr);
  writeCheckpoint(ckpt, {
    bytes: `#!/bin/sh\nexec '${process.execPath}' '${resolve("src/main.ts")}' "$@"\n`,
  });
  chmodSync(ckpt, 0o755);
  for (const shell of ["bash", "zsh", "fish"]) {
    const script = await runCliInProcess(["completion", shell], { cwd: dir });
    if (script.exitCode !== 0) throw new Error(script.stderr);
    writeFileSync(join(dir, `ckpt.${shell}`), script.stdout);
  }
});

function shellAvailable(shell: string): boolean {
  return Bun.which(shell) !== null;
}

describe("ckpt __complete metrics", () => {
  test("canonical names, then the catalog's other logged names a shell can complete", async () => {
    const result = await runCliInProcess(["__complete", "metrics", "--catalog", catalog], { cwd: dir });
    expect(result).toEqual({
      exitCode: 0,
      stdout: [...canonical, "$(ckpt_pwned)", "lr-AdamW", ""].join("\n"),
      stderr: "",
    });
  });
  test("without a catalog: the canonical names", async () => {
    const result = await runCliInProcess(["__complete", "metrics", "--catalog", join(dir, "none.db")], {
      cwd: dir,
    });
    expect(result).toEqual({ exitCode: 0, stdout: [...canonical, ""].join("\n"), stderr: "" });
  });
});

describe("completion scripts parse", () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const available = shellAvailable(shell);
    // zsh and fish are not installed everywhere; bash is, and is also exercised for real below.
    test.skipIf(!available)(`${shell} -n (skipped when ${shell} is not installed)`, () => {
      const checked = Bun.spawnSync([shell, "-n", join(dir, `ckpt.${shell}`)], { stderr: "pipe" });
      expect({ exitCode: checked.exitCode, stderr: checked.stderr.toString() }).toEqual({
        exitCode: 0,
        stderr: "",
      });
    });
  }
});

/** COMPREPLY after calling the bash completion function on `words`, the last one being completed. */
function bashComplete(words: readonly string[]): string[] {
  const quoted = words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
  const program = `source '${join(dir, "ckpt.bash")}'
COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_ckpt
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = Bun.spawnSync(["bash", "-c", program], { cwd: dir, stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(result.stderr.toString());
  return result.stdout.toString().split("\n").filter(Boolean).sort();
}

describe("bash completion, called as bash calls it", () => {
  const cases: [string, string[], string[]][] = [
    ["commands", [ckpt, "s"], ["scan", "show", "stats", "status", "stop"]],
    ["top-level options", [ckpt, "--v"], ["--version"]],
    ["a command's options", [ckpt, "ls", "--so"], ["--sort"]],
    ["fixed values", [ckpt, "scan", "--sidecars", "r"], ["read"]],
    ["fixed values after '='", [ckpt, "watch", "--log-format", "=", ""], ["json", "text"]],
    ["help's operand", [ckpt, "help", "st"], ["stats", "status", "stop"]],
    ["completion's operand", [ckpt, "completion", ""], ["bash", "fish", "zsh"]],
    ["sort keys and metric names", [ckpt, "ls", "--catalog", catalog, "--sort", "-e"], ["-epoch"]],
    ["metric names from the catalog", [ckpt, "best", "--catalog", catalog, "--metric", "lr"], ["lr-AdamW"]],
    [
      "names from disk are quoted, never expanded",
      [ckpt, "best", "--catalog", catalog, "--metric", "$("],
      ["\\$\\(ckpt_pwned\\)"],
    ],
    ["canonical metric names", [ckpt, "best", "--catalog", catalog, "--metric", "hm"], ["hmean"]],
    [
      "one item of a column list",
      [ckpt, "ls", "--catalog", catalog, "--columns", "path,lr"],
      ["path,lr-AdamW"],
    ],
    ["paths for a PATH value", [ckpt, "ls", "--catalog", join(dir, "bi")], [join(dir, "bin")]],
  ];
  for (const [name, words, expected] of cases) {
    test(name, () => expect(bashComplete(words)).toEqual(expected), 60_000);
  }
});
