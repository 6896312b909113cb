import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHfTrainerState } from "../../../src/core/runs/hf-trainer-state.ts";
import { type MetricPoint, metricsAtStep } from "../../../src/core/runs/metric-series.ts";

const FILE = join(import.meta.dir, "../../fixtures/runs/hf/output/checkpoint-1000/trainer_state.json");
const at = (name: string, step: number, epoch: number, value: number): MetricPoint => ({
  name,
  step,
  epoch,
  value,
});

test("hand-written trainer_state.json with NaN/Infinity tokens", () => {
  const parsed = parseHfTrainerState(readFileSync(FILE, "utf8"), "trainer_state.json");
  if (!parsed.success) throw new Error(parsed.error.message);
  const { points, ...state } = parsed.data;
  expect(state).toEqual({
    epoch: 2,
    globalStep: 1000,
    maxSteps: 1500,
    numTrainEpochs: 3,
    loggingSteps: 250,
    evalSteps: 500,
    saveSteps: 500,
    trainBatchSize: 8,
    bestMetric: 0.8125,
    bestGlobalStep: 500,
    bestModelCheckpoint: "/data/runs/bert-cls/checkpoint-500",
  });
  expect(points.slice(0, 7)).toEqual([
    at("grad_norm", 250, 0.5, Number.NaN),
    at("learning_rate", 250, 0.5, 0.000045),
    at("loss", 250, 0.5, 0.6928),
    at("grad_norm", 500, 1, Number.POSITIVE_INFINITY),
    at("learning_rate", 500, 1, 0.00004),
    at("loss", 500, 1, 0.5123),
    at("eval_accuracy", 500, 1, 0.8125),
  ]);
  const chosen = metricsAtStep(points, { step: 1000, epoch: null });
  expect({
    loss: chosen["loss"],
    eval_loss: chosen["eval_loss"],
    eval_accuracy: chosen["eval_accuracy"],
  }).toEqual({
    loss: at("loss", 750, 1.5, Number.NEGATIVE_INFINITY),
    eval_loss: at("eval_loss", 1000, 2, Number.NaN),
    eval_accuracy: at("eval_accuracy", 1000, 2, 0.79),
  });
});

test("older files without the newer fields", () => {
  const parsed = parseHfTrainerState('{"global_step": 10, "epoch": 0.5, "log_history": []}', "t.json");
  expect(parsed).toEqual({
    success: true,
    data: {
      epoch: 0.5,
      globalStep: 10,
      maxSteps: null,
      numTrainEpochs: null,
      loggingSteps: null,
      evalSteps: null,
      saveSteps: null,
      trainBatchSize: null,
      bestMetric: null,
      bestGlobalStep: null,
      bestModelCheckpoint: null,
      points: [],
    },
  });
});

test("a file cut anywhere is an error naming the file, never a throw", () => {
  const text = readFileSync(FILE, "utf8");
  for (let cut = 0; cut < text.length - 2; cut += 7) {
    const parsed = parseHfTrainerState(text.slice(0, cut), "ckpt/trainer_state.json");
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.file).toBe("ckpt/trainer_state.json");
  }
  expect(parseHfTrainerState('{"epoch": 1}', "t.json").success).toBe(false);
});
