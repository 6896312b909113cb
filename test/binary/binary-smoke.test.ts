import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { binaryIn, compiledBinary, runBinary } from "../helpers/compiled-binary.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

describe("compiled binary", () => {
  beforeAll(() => {
    compiledBinary();
  }, 120_000);

  test("--version runs from an empty directory with no node_modules", () => {
    using dir = makeTempDir("bin-version");
    const binary = binaryIn(dir.path);
    const result = runBinary(binary, ["--version"], dir.path);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toStartWith(`ckpt ${packageJson.version} (`);
  });

  test("an unknown command and a bad flag exit 2 with a one-line reason", () => {
    using dir = makeTempDir("bin-usage");
    const binary = binaryIn(dir.path);
    const unknown = runBinary(binary, ["frobnicate"], dir.path);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badFlag = runBinary(binary, ["validate", "--no-such-flag"], dir.path);
    expect(badFlag.exitCode).toBe(2);
    expect(badFlag.stderr).toContain("validate:");
  });

  test("validate reports a real checkpoint with a Python-written sidecar as valid", () => {
    using dir = makeTempDir("bin-validate");
    const binary = binaryIn(dir.path);
    const fixtures = join(import.meta.dir, "../fixtures");
    mkdirSync(join(dir.path, "runs"));
    copyFileSync(join(fixtures, "real/torch/bf16_weights.pt"), join(dir.path, "runs/best.pt"));
    copyFileSync(
      join(fixtures, "sidecars/python-written.metadata.yaml"),
      join(dir.path, "runs/best.metadata.yaml"),
    );
    const result = runBinary(binary, ["validate", "runs"], dir.path);
    expect(result.stdout).toBe(
      "  valid       runs/best.pt\n\n1 checkpoint: 1 valid, 0 invalid, 0 missing, 0 unreadable\n",
    );
    expect(result.exitCode).toBe(0);
    copyFileSync(join(fixtures, "real/torch/bf16_weights.pt"), join(dir.path, "runs/other.pt"));
    expect(runBinary(binary, ["validate", "runs"], dir.path).exitCode).toBe(1);
  });

  test("does not load .env or bunfig.toml from the working directory", () => {
    using dir = makeTempDir("bin-autoload");
    const binary = binaryIn(dir.path);
    const marker = join(dir.path, "preload-ran");
    writeFileSync(
      join(dir.path, "evil.ts"),
      `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`,
    );
    writeFileSync(join(dir.path, "bunfig.toml"), 'preload = ["./evil.ts"]\n');
    writeFileSync(join(dir.path, ".env"), "BUN_CONFIG_VERBOSE_FETCH=curl\n");
    const result = runBinary(binary, ["--version"], dir.path);
    expect(result.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});
