import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const RUNS = join(import.meta.dir, "..", "fixtures", "runs");
const dir = makeTempDir("metrics-command");
const tree = join(dir.path, "tree");
const catalog = join(dir.path, "catalog.db");

const YOLO = "ultralytics/runs/detect/train";
const TIMM = "timm/output/train/20261122-145342-test_efficientnet-32";
const LIGHTNING = "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44";
const MLFLOW = "mlflow/mlruns/123456789/0a1b2c3d4e5f60718293a4b5c6d7e8f9";

beforeAll(() => {
  cpSync(realFixtureRoot, tree, { recursive: true, verbatimSymlinks: true });
  cpSync(join(RUNS, "hf"), join(tree, "hf"), { recursive: true });
  cpSync(join(RUNS, "mlflow"), join(tree, "mlflow"), { recursive: true });
});
afterAll(() => dir[Symbol.dispose]());

function metrics(args: readonly string[], options: { catalog?: string } = {}) {
  return runCliInProcess(["metrics", ...args, "--catalog", options.catalog ?? catalog], { cwd: tree });
}

type Json = {
  run_dir: string;
  checkpoint: { path: string; step: number | null; epoch: number | null } | null;
  series: {
    name: string;
    canonical: string | null;
    axis: string | null;
    points: { step: number | null; epoch: number | null; value: number | string; checkpoint: boolean }[];
  }[];
};

async function json(args: readonly string[]): Promise<Json> {
  const result = await metrics([...args, "--json"]);
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as Json;
}

/** A CSV column of a run file, by the test's own reading: `[x, value]` per row. */
function csvColumn(path: string, column: string, shift = 0): [number, number][] {
  const [header, ...rows] = readFileSync(path, "utf8").trim().split("\n");
  const names = (header ?? "").split(",");
  return rows.map((row) => {
    const cells = row.split(",").map(Number);
    return [(cells[0] ?? Number.NaN) + shift, cells[names.indexOf(column)] ?? Number.NaN];
  });
}

describe("ckpt metrics: every run that logged metrics has a series", () => {
  test.each([
    [`${YOLO}/weights/best.pt`, "object-detection", 14],
    [`${TIMM}/model_best.pth.tar`, "image-classification", 5],
    [`${LIGHTNING}/checkpoints/last.ckpt`, "text-detection", 8],
    ["hf/output", "run dir of an HF", 8],
    [`${MLFLOW}/artifacts/checkpoints/epoch=1-step=16.ckpt`, "generic", 2],
  ])("%s: %s run, %i metrics", async (path, _task, count) => {
    const report = await json([path]);
    expect(report.series.length).toBe(count);
    for (const series of report.series) expect(series.points.length).toBeGreaterThan(0);
  });

  test("an HF checkpoint-N directory named first, in a fresh catalog: its run's log_history", async () => {
    using own = makeTempDir("metrics-hf");
    const result = await metrics(["hf/output/checkpoint-1000", "--json"], {
      catalog: join(own.path, "c.db"),
    });
    const report = JSON.parse(result.stdout) as Json;
    expect([result.exitCode, report.run_dir, report.checkpoint?.path]).toEqual([
      0,
      join(tree, "hf/output"),
      join(tree, "hf/output/checkpoint-1000"),
    ]);
    expect(report.series.map((series) => [series.name, series.points.length])).toEqual([
      ["eval_loss", 2],
      ["loss", 3],
      ["eval_accuracy", 2],
      ["eval_runtime", 2],
      ["eval_samples_per_second", 2],
      ["eval_steps_per_second", 2],
      ["grad_norm", 3],
      ["learning_rate", 3],
    ]);
  });

  test("Ultralytics: mAP50 is results.csv's column over epochs, epoch25.pt's point marked", async () => {
    const report = await json([`${YOLO}/weights/epoch25.pt`, "--metric", "mAP50"]);
    const column = csvColumn(join(tree, YOLO, "results.csv"), "metrics/mAP50(B)", -1);
    expect(report.series).toEqual([
      {
        name: "metrics/mAP50(B)",
        canonical: "mAP50",
        axis: "epoch",
        points: column.map(([epoch, value]) => ({ step: null, epoch, value, checkpoint: epoch === 25 })),
      },
    ]);
  });

  test("timm: the summary table, task metrics first, the checkpoint's values marked", async () => {
    const result = await metrics([`${TIMM}/checkpoint-1.pth.tar`]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        `run ${TIMM} (image-classification)`,
        `checkpoint ${TIMM}/checkpoint-1.pth.tar at epoch 1`,
        "",
        "metric      canonical        points  over         first      last       min      max  ▶ checkpoint",
        "eval_top1   accuracy              3  epoch 0–2  16.6667   83.3333   16.6667  83.3333  33.3333 (epoch 1)",
        "eval_top5   top5_accuracy         3  epoch 0–2  83.3333       100   83.3333      100  83.3333 (epoch 1)",
        "train_loss  train_loss            3  epoch 0–2  3.45375   1.43804   1.43804  3.45375  2.2675 (epoch 1)",
        "eval_loss   validation_loss       3  epoch 0–2  415.325  0.651002  0.651002  415.325  144.45 (epoch 1)",
        "lr                                3  epoch 0–2     0.05    0.0125    0.0125     0.05  0.0375 (epoch 1)",
        "",
      ].join("\n"),
    );
  });

  test("--csv: one row per point, non-finite values spelled as Python prints them", async () => {
    const result = await metrics(["hf/output", "--metric", "loss", "--csv"]);
    expect(result.stdout).toBe(
      [
        "metric,canonical,step,epoch,value,checkpoint",
        "loss,train_loss,250,0.5,0.6928,false",
        "loss,train_loss,500,1,0.5123,false",
        "loss,train_loss,750,1.5,-inf,false",
        "",
      ].join("\r\n"),
    );
  });

  test("--metric with a chart: the checkpoint's step is pointed at", async () => {
    const result = await metrics([`${LIGHTNING}/checkpoints/last.ckpt`, "--metric", "val/hmean", "--ascii"]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `run ${LIGHTNING} (text-detection)`,
      `checkpoint ${LIGHTNING}/checkpoints/last.ckpt at step 32, epoch 3`,
      "",
    ]);
    expect(lines.filter((line) => line.includes("^ step 32") || line.includes("step 32 ^"))).toHaveLength(1);
    // metrics.csv's val/hmean column, read by hand.
    expect(lines.slice(-6)).toEqual([
      "   step  epoch     value",
      "      7      0   0.20789",
      "     15      1  0.793651",
      "     23      2  0.846663",
      "▶    31      3   0.88186",
      "",
    ]);
  });
});

describe("ckpt metrics: mistakes are errors that say what to do", () => {
  test.each([
    [[`${YOLO}/weights/best.pt`, "--metric", "mAP5O"], "unknown metric 'mAP5O'. Did you mean"],
    [[`${YOLO}/weights/best.pt`, "--metric", "hmean"], `the run ${YOLO} logged no hmean`],
    [["lightning"], "lightning holds 5 runs; name one of them"],
    [["no/such/dir"], "does not exist"],
    [[`${YOLO}/weights/best.pt`, `${TIMM}/last.pth.tar`], "name one checkpoint or run directory"],
  ])("%p → exit 2", async (args, message) => {
    const result = await metrics(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test("--metric help lists the run's metrics with the canonical names they stand for", async () => {
    const result = await metrics([`${TIMM}/last.pth.tar`, "--metric", "help"]);
    expect(result.stdout).toBe(
      [
        `Metrics logged by ${TIMM} (any spelling of a canonical name in brackets selects it):`,
        "  eval_loss  (validation_loss)",
        "  eval_top1  (accuracy)",
        "  eval_top5  (top5_accuracy)",
        "  lr",
        "  train_loss",
        "",
      ].join("\n"),
    );
  });

  test("a run that logged nothing: exit 1, saying which files were looked at", async () => {
    const result = await metrics(["torch/tutorial_checkpoint.pt"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("has no metric points in the catalog");
  });
});

describe("ckpt metrics on a run being written", () => {
  test("results.csv appended epoch by epoch (last.pt rewritten each time): the series follows", async () => {
    using run = makeTempDir("metrics-growing");
    const weights = join(run.path, "runs/detect/train/weights");
    mkdirSync(weights, { recursive: true });
    const source = join(realFixtureRoot, YOLO);
    copyFileSync(join(source, "args.yaml"), join(run.path, "runs/detect/train/args.yaml"));
    const [header, ...rows] = readFileSync(join(source, "results.csv"), "utf8").trim().split("\n");
    const csv = join(run.path, "runs/detect/train/results.csv");
    writeFileSync(csv, `${header}\n`);
    const ownCatalog = join(run.path, "catalog.db");
    const epochsSeen: number[] = [];
    for (const row of rows.slice(0, 4)) {
      // Ultralytics writes the row, then saves last.pt; a reader may also catch the next row half written.
      appendFileSync(csv, `${row}\n${row.slice(0, 10)}`);
      copyFileSync(join(source, "weights/last.pt"), join(weights, "last.pt"));
      const result = await runCliInProcess(
        ["metrics", join(weights, "last.pt"), "--metric", "mAP50-95", "--json", "--catalog", ownCatalog],
        { cwd: run.path },
      );
      const report = JSON.parse(result.stdout) as Json;
      epochsSeen.push(report.series[0]?.points.length ?? 0);
      writeFileSync(csv, readFileSync(csv, "utf8").slice(0, -10));
    }
    expect(epochsSeen).toEqual([1, 2, 3, 4]);
  }, 60_000);
});
