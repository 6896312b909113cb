import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type MetricPoint, metricsAtStep } from "../../../src/core/runs/metric-series.ts";
import {
  type MlflowRunEntry,
  parseMlflowExperimentMeta,
  parseMlflowMetricFile,
  parseMlflowRun,
} from "../../../src/core/runs/mlflow-run.ts";

const EXPERIMENT = join(import.meta.dir, "../../fixtures/runs/mlflow/mlruns/123456789");
const RUN = join(EXPERIMENT, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");

function entries(dir: string, root = dir): MlflowRunEntry[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "artifacts" ? [] : entries(path, root);
    return [{ relativePath: relative(root, path), text: readFileSync(path, "utf8") }];
  });
}
const at = (name: string, step: number, value: number, ms: number): MetricPoint => ({
  name,
  step,
  epoch: null,
  value,
  wallTime: ms / 1000,
});

test("hand-written file-store run: meta, nested metric key, partial last line, params, tags", () => {
  const parsed = parseMlflowRun(entries(RUN), RUN);
  expect(parsed).toEqual({
    success: true,
    data: {
      runId: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
      runName: "dbnet-r18-dev",
      experimentId: "123456789",
      status: "FINISHED",
      startTime: 1704164645000,
      endTime: 1704164700000,
      artifactUri: "file:///data/mlruns/123456789/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts",
      lifecycleStage: "active",
      params: { encoder: "resnet18", lr: "0.001" },
      tags: { "mlflow.runName": "dbnet-r18-dev", "mlflow.user": "alice" },
      points: [
        at("epoch", 0, 3, 1704164600000),
        at("train/loss", 0, 0.6931471824645996, 1704164650000),
        at("train/loss", 8, 0.5123, 1704164660000),
        at("train/loss", 16, Number.NaN, 1704164670000),
        at("val_acc", 7, 0.81, 1704164655000),
        at("val_acc", 15, Number.POSITIVE_INFINITY, 1704164665000),
      ],
    },
  });
  if (parsed.success) {
    expect(metricsAtStep(parsed.data.points, { step: 16, epoch: null })["val_acc"]?.value).toBe(
      Number.POSITIVE_INFINITY,
    );
  }
});

test("a metric file cut anywhere in its last line drops only that line", () => {
  const text = readFileSync(join(RUN, "metrics/train/loss"), "utf8");
  const lastLineStart = text.lastIndexOf("\n", text.length - 2) + 1;
  const withoutLast = parseMlflowMetricFile(text.slice(0, lastLineStart), "train/loss");
  for (let cut = lastLineStart; cut < text.length; cut += 1) {
    expect(parseMlflowMetricFile(text.slice(0, cut), "train/loss")).toEqual(withoutLast);
  }
  expect(parseMlflowMetricFile("1 -inf 2\nbad line here x\n1 2 3 4\n", "k")).toEqual([
    at("k", 2, Number.NEGATIVE_INFINITY, 1),
  ]);
});

test("experiment meta.yaml", () => {
  expect(parseMlflowExperimentMeta(readFileSync(join(EXPERIMENT, "meta.yaml"), "utf8"), "meta.yaml")).toEqual(
    {
      success: true,
      data: {
        experimentId: "123456789",
        name: "dbnet-dev",
        artifactLocation: "file:///data/mlruns/123456789",
        lifecycleStage: "active",
      },
    },
  );
  expect(parseMlflowExperimentMeta("", "mlruns/1/meta.yaml").success).toBe(false);
});

test("a run without meta.yaml still yields its files; a broken meta.yaml is an error", () => {
  const bare = parseMlflowRun([{ relativePath: "params/x", text: "1" }], "mlruns/1/r");
  expect(bare.success && bare.data.params).toEqual({ x: "1" });
  expect(bare.success && bare.data.status).toBe(null);
  expect(parseMlflowRun([{ relativePath: "meta.yaml", text: "a: [" }], "mlruns/1/r").success).toBe(false);
});
