import { describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MetricPoint } from "../../../src/core/runs/metric-series.ts";
import { loadRunCurves } from "../../../src/io/run-files/run-context.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { historyRecord, wandbLogBytes } from "../../helpers/wandb-log-bytes.ts";

const RUNS = join(import.meta.dir, "..", "..", "fixtures", "runs");
const YOLO = join(realFixtureRoot, "ultralytics/runs/detect/train");
const TIMM = join(realFixtureRoot, "timm/output/train/20261122-145342-test_efficientnet-32");
const LIGHTNING = join(realFixtureRoot, "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44");

/** A CSV column as the test reads it: one `[x, value]` per row, x from `xColumn` shifted by `shift`. */
function csvColumn(path: string, options: { column: string; xColumn: string; shift?: number }) {
  const [header, ...rows] = readFileSync(path, "utf8").trim().split("\n");
  const names = (header ?? "").split(",").map((name) => name.trim());
  const at = (row: string, name: string) => Number(row.split(",")[names.indexOf(name)]);
  return rows.map((row) => [at(row, options.xColumn) + (options.shift ?? 0), at(row, options.column)]);
}

function curve(points: readonly MetricPoint[], name: string, by: "step" | "epoch") {
  return points.filter((point) => point.name === name).map((point) => [point[by], point.value]);
}

function curvesOf(checkpointPath: string, scanRoot: string) {
  const curves = loadRunCurves({ checkpointPath, scanRoot });
  if (curves === null) throw new Error(`no run found for ${checkpointPath}`);
  return curves;
}

describe("run curves from every framework's files", () => {
  test("Ultralytics results.csv: 30 epochs of every column (0-based epochs), the same for any weights file", () => {
    const best = curvesOf(join(YOLO, "weights/best.pt"), realFixtureRoot);
    const names = [...new Set(best.points.map((point) => point.name))];
    expect(best.runDir).toBe(YOLO);
    expect(names).toEqual([
      "time",
      "train/box_loss",
      "train/cls_loss",
      "train/dfl_loss",
      "metrics/precision(B)",
      "metrics/recall(B)",
      "metrics/mAP50(B)",
      "metrics/mAP50-95(B)",
      "val/box_loss",
      "val/cls_loss",
      "val/dfl_loss",
      "lr/pg0",
      "lr/pg1",
      "lr/pg2",
    ]);
    const csv = join(YOLO, "results.csv");
    for (const name of names) {
      expect(curve(best.points, name, "epoch")).toEqual(
        csvColumn(csv, { column: name, xColumn: "epoch", shift: -1 }),
      );
    }
    expect(curvesOf(join(YOLO, "weights/epoch0.pt"), realFixtureRoot).points).toEqual(best.points);
  });

  test("timm summary.csv: every column by epoch", () => {
    const curves = curvesOf(join(TIMM, "model_best.pth.tar"), realFixtureRoot);
    const csv = join(TIMM, "summary.csv");
    for (const name of ["train_loss", "eval_loss", "eval_top1", "eval_top5", "lr"]) {
      expect(curve(curves.points, name, "epoch")).toEqual(csvColumn(csv, { column: name, xColumn: "epoch" }));
    }
    expect(curves.points).toHaveLength(15);
  });

  test("Lightning: metrics.csv and TensorBoard log the same metrics; each curve is drawn once", () => {
    const curves = curvesOf(join(LIGHTNING, "checkpoints/last.ckpt"), realFixtureRoot);
    const names = curves.points.map((point) => point.name);
    const hmean = curves.points.filter((point) => point.name === "val/hmean");
    expect(hmean.map((point) => [point.step, point.epoch])).toEqual([
      [7, 0],
      [15, 1],
      [23, 2],
      [31, 3],
    ]);
    expect(names).not.toContain("epoch");
    // Each (name, step) once: the TensorBoard copy of a CSV metric is left out.
    const keys = curves.points.map((point) => `${point.name}@${point.step}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("HF: the newest checkpoint's log_history, whichever checkpoint is read", () => {
    using dir = makeTempDir("curves-hf");
    const output = join(dir.path, "output");
    cpSync(join(RUNS, "hf/output"), output, { recursive: true });
    const newest = join(output, "checkpoint-1000/trainer_state.json");
    const text = readFileSync(newest, "utf8");
    mkdirSync(join(output, "checkpoint-500"));
    // An older checkpoint keeps the history up to its own step.
    const older = text
      .replace(/,\s*\{\s*"epoch": 1\.5[\s\S]*\}\s*\]/, "]")
      .replace('"global_step": 1000', '"global_step": 500');
    writeFileSync(join(output, "checkpoint-500/trainer_state.json"), older);
    const fromOlder = curvesOf(join(output, "checkpoint-500"), dir.path);
    expect(fromOlder.runDir).toBe(output);
    expect(curve(fromOlder.points, "eval_loss", "step")).toEqual([
      [500, 0.4502],
      [1000, Number.NaN],
    ]);
    expect(curve(fromOlder.points, "loss", "step")).toEqual([
      [250, 0.6928],
      [500, 0.5123],
      [750, Number.NEGATIVE_INFINITY],
    ]);
    expect(curvesOf(join(output, "checkpoint-1000"), dir.path).points).toEqual(fromOlder.points);
  });

  test("MLflow: the run's metrics/** files by step; the epoch metric is a position, not a curve", () => {
    const run = join(RUNS, "mlflow/mlruns/123456789/0a1b2c3d4e5f60718293a4b5c6d7e8f9");
    const curves = curvesOf(join(run, "artifacts/checkpoints/epoch=1-step=16.ckpt"), RUNS);
    expect(curves.points.map((point) => [point.name, point.step, point.value])).toEqual([
      ["train/loss", 0, 0.6931471824645996],
      ["train/loss", 8, 0.5123],
      ["train/loss", 16, Number.NaN],
      ["val_acc", 7, 0.81],
      ["val_acc", 15, Number.POSITIVE_INFINITY],
    ]);
  });

  test("W&B: the .wandb history when there is one, else the summary's last values", () => {
    using dir = makeTempDir("curves-wandb");
    cpSync(join(RUNS, "wandb/project"), dir.path, { recursive: true });
    writeFileSync(join(dir.path, "last.ckpt"), "");
    // Saved during the first of the two W&B runs (their start times are local time).
    const during = new Date(2024, 0, 2, 12, 0, 0);
    utimesSync(join(dir.path, "last.ckpt"), during, during);
    const summaryOnly = curvesOf(join(dir.path, "last.ckpt"), dir.path);
    expect(summaryOnly.points.map((point) => [point.name, point.step, point.value])).toEqual([
      ["val/hmean", 24, 0.8467],
      ["val/loss", 24, Number.NaN],
      ["train/loss", 24, Number.POSITIVE_INFINITY],
      ["grad_norm", 24, Number.NEGATIVE_INFINITY],
    ]);
    const runDir = join(dir.path, "wandb/run-20240102_030405-abc123xy");
    const rows = [8, 16, 24].map((step, index) =>
      historyRecord([
        ["val/hmean", ["0.8", "0.81", "0.82"][index] ?? ""],
        ["trainer/global_step", String(step)],
        ["epoch", String(index)],
      ]),
    );
    writeFileSync(join(runDir, "run-abc123xy.wandb"), wandbLogBytes(rows));
    const history = curvesOf(join(dir.path, "last.ckpt"), dir.path);
    expect(history.points.map((point) => [point.name, point.step, point.epoch, point.value])).toEqual([
      ["val/hmean", 8, 0, 0.8],
      ["val/hmean", 16, 1, 0.81],
      ["val/hmean", 24, 2, 0.82],
    ]);
  });

  test("old W&B wandb-history.jsonl: bounded like every stream (first, last and extremes kept)", () => {
    using dir = makeTempDir("curves-wandb-jsonl");
    const runDir = join(dir.path, "wandb/run-20240102_030405-old00001");
    mkdirSync(runDir, { recursive: true });
    const rows = Array.from({ length: 25_000 }, (_, step) =>
      JSON.stringify({ loss: step === 12_345 ? -1 : 1 / (step + 1), _step: step }),
    );
    writeFileSync(join(runDir, "wandb-history.jsonl"), `${rows.join("\n")}\n`);
    writeFileSync(join(dir.path, "last.ckpt"), "");
    const loss = curvesOf(join(dir.path, "last.ckpt"), dir.path).points;
    expect(loss.length).toBeLessThanOrEqual(10_000);
    expect([loss[0]?.step, loss.at(-1)?.step, Math.min(...loss.map((point) => point.value))]).toEqual([
      0, 24_999, -1,
    ]);
  });
});
