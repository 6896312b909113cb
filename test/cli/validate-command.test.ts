import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const sidecars = join(import.meta.dir, "../fixtures/sidecars");
const checkpoint = join(import.meta.dir, "../fixtures/real/torch/bf16_weights.pt");

/** Builds a tree from `{relative path: source}`: "ckpt" copies a real checkpoint, "x.metadata.yaml" a sidecar fixture. */
function buildTree(root: string, files: Record<string, string>): void {
  for (const [relative, source] of Object.entries(files)) {
    const target = join(root, relative);
    mkdirSync(join(target, ".."), { recursive: true });
    if (source === "ckpt") copyFileSync(checkpoint, target);
    else if (source.startsWith("->")) symlinkSync(source.slice(2), target);
    else if (source.endsWith(".yaml")) copyFileSync(join(sidecars, source), target);
    else writeFileSync(target, source);
  }
}

const mixedTree = {
  "a/epoch=1.ckpt": "ckpt",
  "a/epoch=1.metadata.yaml": "python-written.metadata.yaml",
  "a/last.ckpt": "->epoch=1.ckpt",
  "a/best.ckpt": "ckpt",
  "a/best.metadata.yaml": "invalid-hmean-out-of-range.metadata.yaml",
  "b/x.pt": "ckpt",
  "b/tmp.pth.tar": "ckpt",
  "b/gone.metadata.yaml": "python-written.metadata.yaml",
  "c/broken.pth.tar": "ckpt",
  "c/broken.metadata.yaml": "invalid-yaml-syntax.metadata.yaml",
  "d/final.pt": "ckpt",
  "d/final.metadata.yaml": "warning-final-weights-epoch.metadata.yaml",
};

describe("ckpt validate", () => {
  test("reports valid, invalid, missing, orphan and symlinked checkpoints as JSON", async () => {
    using dir = makeTempDir("validate-json");
    buildTree(dir.path, mixedTree);
    const run = await runCliInProcess(["validate", "--json", "."], { cwd: dir.path });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    const rows = report.checkpoints.map((row: { path: string; status: string; via: string | null }) => [
      row.path.slice(dir.path.length + 1),
      row.status,
      row.via === null ? null : row.via.slice(row.via.lastIndexOf("/") + 1),
    ]);
    expect(rows).toEqual([
      ["a/best.ckpt", "invalid", null],
      ["a/epoch=1.ckpt", "valid", null],
      ["a/last.ckpt", "valid", "epoch=1.ckpt"],
      ["b/x.pt", "missing", null],
      ["c/broken.pth.tar", "invalid", null],
      ["d/final.pt", "valid", null],
    ]);
    expect(report.orphans).toEqual([join(dir.path, "b/gone.metadata.yaml")]);
    expect(report.summary).toEqual({
      checkpoints: 6,
      valid: 3,
      invalid: 2,
      missing: 1,
      unreadable: 0,
      orphans: 1,
      warnings: 1,
      io_errors: 0,
    });
    const best = report.checkpoints[0];
    expect(best.problems).toEqual([
      {
        severity: "error",
        code: "out-of-range",
        file: join(dir.path, "a/best.metadata.yaml"),
        field: "metrics.hmean",
        message: expect.stringContaining("1"),
        line: 34,
        col: expect.any(Number),
      },
    ]);
    const broken = report.checkpoints[4].problems[0];
    expect([broken.code, broken.line, broken.col]).toEqual(["syntax-error", 20, 5]);
    expect(broken.message).toStartWith("YAML syntax error: ");
  });

  test("prints a human report with file:line for each problem", async () => {
    using dir = makeTempDir("validate-text");
    buildTree(dir.path, mixedTree);
    const run = await runCliInProcess(["validate", dir.path], { cwd: dir.path });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("  invalid     a/best.ckpt\n");
    expect(run.stdout).toMatch(/error {4}a\/best\.metadata\.yaml:34:\d+ {2}metrics\.hmean: /);
    expect(run.stdout).toContain("  valid       a/last.ckpt (symlink; uses a/epoch=1.metadata.yaml)\n");
    expect(run.stdout).toContain("  missing     b/x.pt\n");
    expect(run.stdout).toContain("  orphan      b/gone.metadata.yaml");
    expect(run.stdout).toMatch(/warning {2}d\/final\.metadata\.yaml:7:\d+ {2}training\.epoch: /);
    expect(run.stdout).toContain(
      "6 checkpoints: 3 valid, 2 invalid, 1 missing, 0 unreadable · 1 orphan sidecar · 1 warning\n",
    );
    expect(run.stdout).toMatch(/error {4}c\/broken\.metadata\.yaml:20:5: YAML syntax error: /);
    expect(run.stdout).not.toContain("tmp.pth.tar");
  });

  test("checkpoints that cannot be read are unreadable with the reader's reason, not missing", async () => {
    using dir = makeTempDir("validate-unreadable");
    const real = join(import.meta.dir, "../fixtures/real/broken");
    buildTree(dir.path, {
      "r/good.ckpt": "ckpt",
      "r/empty.ckpt": "",
      "r/lfs.ckpt": "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1234\n",
    });
    for (const name of ["truncated_half.ckpt", "corrupt_datapkl.ckpt"])
      copyFileSync(join(real, name), join(dir.path, "r", name));
    const run = await runCliInProcess(["validate", "--json", "r"], { cwd: dir.path });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    const rows = report.checkpoints.map(
      (row: { path: string; status: string; problems: { code: string }[] }) => [
        row.path.slice(dir.path.length + 1),
        row.status,
        row.problems.map((problem) => problem.code),
      ],
    );
    expect(rows).toEqual([
      ["r/corrupt_datapkl.ckpt", "unreadable", ["pickle-corrupt"]],
      ["r/empty.ckpt", "unreadable", ["empty"]],
      ["r/good.ckpt", "missing", []],
      ["r/lfs.ckpt", "unreadable", ["git-lfs-pointer"]],
      ["r/truncated_half.ckpt", "unreadable", ["zip-incomplete"]],
    ]);
    const text = await runCliInProcess(["validate", "r"], { cwd: dir.path });
    expect(text.stdout).toContain("  unreadable  r/lfs.ckpt\n");
    expect(text.stdout).toContain("git lfs pull");
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe(
      "5 checkpoints: 0 valid, 0 invalid, 1 missing, 4 unreadable",
    );
    const allowed = await runCliInProcess(["validate", "--allow-missing", "r"], { cwd: dir.path });
    expect(allowed.exitCode).toBe(1);
  });

  test.each([
    ["all valid", { "r/a.ckpt": "ckpt", "r/a.metadata.yaml": "python-written.metadata.yaml" }, [], 0],
    ["missing only", { "r/a.ckpt": "ckpt" }, [], 1],
    ["missing allowed", { "r/a.ckpt": "ckpt" }, ["--allow-missing"], 0],
    [
      "invalid even with missing allowed",
      { "r/a.ckpt": "ckpt", "r/a.metadata.yaml": "invalid-nan-metric.metadata.yaml" },
      ["--allow-missing"],
      1,
    ],
    ["empty tree", { "r/readme.txt": "hello" }, [], 0],
  ] as const)("exit code: %s", async (_name, tree, flags, expected) => {
    using dir = makeTempDir("validate-exit");
    buildTree(dir.path, tree);
    const run = await runCliInProcess(["validate", ...flags, "r"], { cwd: dir.path });
    expect(run.exitCode).toBe(expected);
  });

  test("--no-recursive only looks at the given directory", async () => {
    using dir = makeTempDir("validate-flat");
    buildTree(dir.path, { "top.ckpt": "ckpt", "deep/below.ckpt": "ckpt" });
    const run = await runCliInProcess(["validate", "--json", "--no-recursive", "."], { cwd: dir.path });
    expect(JSON.parse(run.stdout).checkpoints.map((row: { path: string }) => row.path)).toEqual([
      join(dir.path, "top.ckpt"),
    ]);
  });

  test("a path that does not exist and a bad flag are usage errors (exit 2)", async () => {
    using dir = makeTempDir("validate-usage");
    const absent = await runCliInProcess(["validate", "nowhere"], { cwd: dir.path });
    expect(absent.exitCode).toBe(2);
    expect(absent.stderr).toBe(
      `ckpt: validate: ${join(dir.path, "nowhere")} does not exist; pass a checkpoint or a directory of them.\n`,
    );
    const badFlag = await runCliInProcess(["validate", "--frobnicate"], { cwd: dir.path });
    expect(badFlag.exitCode).toBe(2);
    expect(badFlag.stderr).toStartWith("ckpt: validate: unknown option '--frobnicate'.");
  });

  test("--help prints usage and exits 0", async () => {
    using dir = makeTempDir("validate-help");
    const run = await runCliInProcess(["validate", "--help"], { cwd: dir.path });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toStartWith("Usage: ckpt validate [PATH...]");
  });
});
