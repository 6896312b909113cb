import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";

const dir = mkdtempSync(join(tmpdir(), "ckpt-best-"));
const catalog = join(dir, "catalog.db");

beforeAll(() => {
  for (const [epoch, hmean] of [
    [1, 0.7],
    [2, 0.9],
    [3, 0.9],
    [4, 0.8],
  ] as const) {
    writeCheckpoint(join(dir, `runs/det/checkpoints/epoch=${epoch}.ckpt`), {
      sample: { exp: "det", epoch, hmean },
    });
  }
  for (const [epoch, loss] of [
    [1, 3.1],
    [2, 2.4],
    [3, 2.6],
  ] as const) {
    writeCheckpoint(join(dir, `runs/lm/checkpoint-${epoch}00.pt`), {
      sample: {
        exp: "lm",
        epoch,
        valLoss: loss,
        task: "language-modelling",
        primary: { name: "eval_loss", value: loss, higher: false },
      },
    });
  }
});

async function best(...args: string[]): Promise<string[]> {
  const result = await runCliInProcess(["best", "runs", "--catalog", catalog, "--json", ...args], {
    cwd: dir,
  });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout) as { path: string }[]).map((entry) => entry.path.slice(dir.length + 1));
}

describe("ckpt best", () => {
  test("per run: max for hmean (ties to the later step), min for a loss", async () => {
    expect(await best()).toEqual(["runs/det/checkpoints/epoch=3.ckpt", "runs/lm/checkpoint-200.pt"]);
  });
  test("--overall with --metric picks across runs in the metric's direction", async () => {
    expect(await best("--overall", "--metric", "val_loss")).toEqual(["runs/lm/checkpoint-200.pt"]);
    expect(await best("--overall", "--metric", "hmean")).toEqual(["runs/det/checkpoints/epoch=3.ckpt"]);
  });
  test("--filter narrows the candidates", async () => {
    expect(await best("--filter", "/epoch=[14]/")).toEqual(["runs/det/checkpoints/epoch=4.ckpt"]);
  });
  test("--metric takes any spelling of a metric, in any case", async () => {
    expect(await best("--overall", "--metric", "EVAL_LOSS")).toEqual(["runs/lm/checkpoint-200.pt"]);
    expect(await best("--overall", "--metric", "val/hmean")).toEqual(["runs/det/checkpoints/epoch=3.ckpt"]);
  });

  test("--json says which metric each entry won by, and in which direction", async () => {
    const result = await runCliInProcess(["best", "runs", "--catalog", catalog, "--json"], { cwd: dir });
    const ranked = (JSON.parse(result.stdout) as { ranked_by: unknown }[]).map((entry) => entry.ranked_by);
    expect(ranked).toEqual([
      { name: "hmean", higher_is_better: true },
      { name: "validation_loss", higher_is_better: false },
    ]);
  });

  test("the table shows the ranked metric, marked with its direction", async () => {
    const result = await runCliInProcess(
      ["best", "runs", "--catalog", catalog, "--no-scan", "--overall", "--metric", "val_loss"],
      { cwd: dir, now: Date.UTC(2030, 0, 1) },
    );
    const [header, row] = result.stdout.split("\n");
    expect(header?.split(/\s{2,}/).slice(0, 5)).toEqual([
      "experiment",
      "arch",
      "epoch",
      "step",
      "val loss ↓",
    ]);
    expect(row?.split(/\s{2,}/).slice(0, 5)).toEqual(["lm", "dbnet", "2", "200", "2.4000"]);
  });

  test("a metric no checkpoint has: nothing, and a hint that says so", async () => {
    const result = await runCliInProcess(
      ["best", "runs", "--catalog", catalog, "--json", "--metric", "miou"],
      {
        cwd: dir,
      },
    );
    expect(result).toEqual({
      exitCode: 0,
      stdout: "[]\n",
      stderr:
        "ckpt: none of the 7 checkpoints under runs has a value of miou; 'ckpt best --metric help' lists the metrics\n",
    });
  });
});
