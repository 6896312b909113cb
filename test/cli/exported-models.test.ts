import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// GGUF and ONNX are framework-written (test/fixtures/real); .keras and .nemo are synthetic, laid out by the
// writers' own zipfile/tarfile calls (test/fixtures/exported/make_exported.py).
const FILES = [
  join(realFixtureRoot, "gguf/tiny-llama-q8_0.gguf"),
  join(realFixtureRoot, "onnx/mlp-opset13.onnx"),
  join(realFixtureRoot, "../exported/tiny_mlp.keras"),
  join(realFixtureRoot, "../exported/ctc_tiny.nemo"),
];

describe("exported models beside checkpoints", () => {
  test("inspect --json: framework, status and the format's facts", async () => {
    const run = await runCliInProcess(["inspect", "--json", ...FILES], { cwd: realFixtureRoot });
    const lines = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      lines.map((line) => [line["framework"], line["status"], line["container"], line["global_step"]]),
    ).toEqual([
      ["gguf", "ok", "gguf", 1200],
      ["onnx", "ok", "onnx", 1200],
      ["keras", "ok", "zip", undefined],
      ["nemo", "ok", "tar", undefined],
    ]);
    expect(run.exitCode).toBe(0);
  });

  test("scan catalogues them, writes same-stem sidecars, and ls shows their architecture", async () => {
    using dir = makeTempDir("exported");
    const folder = join(dir.path, "run", "export");
    mkdirSync(folder, { recursive: true });
    for (const file of FILES) copyFileSync(file, join(folder, file.split("/").at(-1) ?? ""));
    const env = { CKPT_CATALOG: join(dir.path, "catalog.db") };
    const scan = await runCliInProcess(["scan", "run"], { cwd: dir.path, env });
    expect(scan.exitCode).toBe(0);
    expect(
      readdirSync(folder)
        .filter((name) => name.endsWith(".metadata.yaml"))
        .sort(),
    ).toEqual([
      "ctc_tiny.metadata.yaml",
      "mlp-opset13.metadata.yaml",
      "tiny-llama-q8_0.metadata.yaml",
      "tiny_mlp.metadata.yaml",
    ]);
    const ls = await runCliInProcess(["ls", "run", "--json"], { cwd: dir.path, env });
    const rows = JSON.parse(ls.stdout) as Array<Record<string, unknown>>;
    expect(
      rows
        .map((row) => [String(row["path"]).split("/").at(-1), row["framework"], row["architecture"]])
        .sort(),
    ).toEqual([
      ["ctc_tiny.nemo", "nemo", "EncDecCTCModel"],
      ["mlp-opset13.onnx", "onnx", null],
      ["tiny-llama-q8_0.gguf", "gguf", "llama"],
      ["tiny_mlp.keras", "keras", "Sequential"],
    ]);
    expect(existsSync(join(folder, "tiny-llama-q8_0.gguf"))).toBe(true);
  });
});
