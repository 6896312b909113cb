import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryIn, runBinary } from "../helpers/compiled-binary.ts";
import { global, pk, shortUnicode } from "../helpers/pickle-bytes.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { torchZipOfPickle } from "../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const TUTORIAL = "torch/tutorial_checkpoint.pt";
const TIMM = "timm/output/train/20261122-145342-test_efficientnet-32/last.pth.tar";
const EMPTY = "broken/empty.ckpt";

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("ckpt inspect", () => {
  test("--json prints one object per path, in argument order; exit 1 when one is not ok", async () => {
    const run = await runCliInProcess(["inspect", "--json", TUTORIAL, EMPTY, TIMM], { cwd: realFixtureRoot });
    const lines = jsonLines(run.stdout);
    expect(lines.map((line) => [line["path"], line["status"], line["framework"], line["epoch"]])).toEqual([
      [TUTORIAL, "ok", "plain-torch", 12],
      [EMPTY, "not-a-checkpoint", null, undefined],
      [TIMM, "ok", "timm", 2],
    ]);
    expect(lines[1]?.["error"]).toEqual({
      code: "empty",
      message: `${EMPTY}: the file is empty (0 bytes); a checkpoint being written starts empty: retry once the writer finishes`,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe("");
  });

  test("non-finite scores stay valid JSON ('inf')", async () => {
    const path =
      "lightning/outputs/dbnet_r18_dev_legacy/2026-11-22/14-52-50/csv_logs/version_0/checkpoints/last.ckpt";
    const run = await runCliInProcess(["inspect", "--json", path], { cwd: realFixtureRoot });
    const [line] = jsonLines(run.stdout);
    const states = (line?.["model_checkpoint_states"] ?? []) as Array<Record<string, unknown>>;
    expect(states[0]?.["kth_value"]).toBe("inf");
    expect(run.exitCode).toBe(0);
  });

  test("the human view shows framework, position, tensors, callback state and safety; exit 0", async () => {
    const path = "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/last.ckpt";
    const run = await runCliInProcess(["inspect", path], { cwd: realFixtureRoot });
    expect(run.exitCode).toBe(0);
    for (const expected of [
      "  framework   lightning 2.2.5",
      "  position    epoch 3, step 32",
      "    state_dict: 50 tensors, 8,433 values (float32 ×43, int64 ×7), 33,760 bytes",
      "  checkpoint  monitor val/hmean: best 0.88186",
      "  safety      safe",
    ])
      expect(run.stdout).toContain(expected);
  });

  test("usage errors exit 2", async () => {
    expect((await runCliInProcess(["inspect"], { cwd: realFixtureRoot })).exitCode).toBe(2);
    expect((await runCliInProcess(["inspect", "--bogus", TUTORIAL], { cwd: realFixtureRoot })).exitCode).toBe(
      2,
    );
  });

  test("a hostile pickle is reported unsafe and its payload never runs", async () => {
    using dir = makeTempDir("inspect-hostile");
    const marker = join(dir.path, "payload-ran");
    // {'callbacks': posix.system('touch <marker>')}: what torch.load(weights_only=False) would execute.
    const payload = pk(
      0x80,
      2,
      0x7d,
      shortUnicode("callbacks"),
      global("posix", "system"),
      shortUnicode(`touch ${marker}`),
      0x85,
      0x52,
      0x73,
      0x2e,
    );
    writeFileSync(join(dir.path, "evil.ckpt"), torchZipOfPickle(payload));
    const run = await runCliInProcess(["inspect", "--json", "evil.ckpt"], { cwd: dir.path });
    const [line] = jsonLines(run.stdout);
    expect([line?.["status"], (line?.["safety"] as { dangerous: string[] } | undefined)?.dangerous]).toEqual([
      "unsafe",
      ["posix.system"],
    ]);
    expect(run.exitCode).toBe(1);
    expect(existsSync(marker)).toBe(false);
  });

  test("the compiled binary inspects a fixture from a directory without node_modules", () => {
    using dir = makeTempDir("inspect-binary");
    const binary = binaryIn(dir.path);
    copyFileSync(join(realFixtureRoot, "broken/malicious_reduce.ckpt"), join(dir.path, "malicious.ckpt"));
    copyFileSync(join(realFixtureRoot, TUTORIAL), join(dir.path, "tutorial.pt"));
    const run = runBinary(binary, ["inspect", "--json", "tutorial.pt", "malicious.ckpt"], dir.path);
    const lines = jsonLines(run.stdout);
    expect(lines.map((line) => [line["status"], line["epoch"]])).toEqual([
      ["ok", 12],
      ["unsafe", 3],
    ]);
    // The payload is `echo pwned`: had it run, its output would be a line of its own.
    expect(run.stdout.split("\n")).not.toContain("pwned");
    expect(run.exitCode).toBe(1);
  }, 60_000);
});
