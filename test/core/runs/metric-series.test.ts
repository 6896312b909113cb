import { describe, expect, test } from "bun:test";
import {
  type MetricPoint,
  MetricPoint as MetricPointSchema,
  metricNames,
  metricsAtStep,
  parsePythonFloat,
  withEpochFromSeries,
} from "../../../src/core/runs/metric-series.ts";

const point = (name: string, step: number | null, epoch: number | null, value: number): MetricPoint => ({
  name,
  step,
  epoch,
  value,
});

describe("parsePythonFloat", () => {
  const cases: [string, number | undefined][] = [
    ["0.6931471824645996", 0.6931471824645996],
    ["1e-05", 0.00001],
    ["  0.5  ", 0.5],
    ["nan", Number.NaN],
    ["NaN", Number.NaN],
    ["inf", Number.POSITIVE_INFINITY],
    ["-inf", Number.NEGATIVE_INFINITY],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    ["3", 3],
    [".5", 0.5],
    ["", undefined],
    ["abc", undefined],
    ["0x10", undefined],
  ];
  test.each(cases)("%p", (text, expected) => {
    expect(parsePythonFloat(text)).toEqual(expected);
  });
});

describe("metricsAtStep", () => {
  const points = [
    point("lr", 0, null, 0.01),
    point("loss", 7, 0, 1.5),
    point("val", 7, 0, 0.2),
    point("lr", 8, null, 0.008),
    point("loss", 15, 1, 0.9),
    point("val", 15, 1, 0.7),
    point("val", 15, 1, 0.75),
    point("loss", 23, 2, 0.8),
  ];

  test("exact step, last logged wins on ties, earlier steps of the same epoch only", () => {
    expect(metricsAtStep(points, { step: 16, epoch: 1 })).toEqual({
      lr: point("lr", 8, null, 0.008),
      loss: point("loss", 15, 1, 0.9),
      val: point("val", 15, 1, 0.75),
    });
  });

  test("a metric not logged in the checkpoint's epoch is absent", () => {
    expect(metricsAtStep(points, { step: 24, epoch: 2 })).toEqual({
      lr: point("lr", 8, null, 0.008),
      loss: point("loss", 23, 2, 0.8),
    });
  });

  test("unknown epoch: nearest step at or before", () => {
    expect(metricsAtStep(points, { step: 10, epoch: null })).toEqual({
      lr: point("lr", 8, null, 0.008),
      loss: point("loss", 7, 0, 1.5),
      val: point("val", 7, 0, 0.2),
    });
  });

  test("epoch-only logs match on the epoch", () => {
    const perEpoch = [point("top1", null, 0, 16.6), point("top1", null, 1, 33.3), point("lr", null, 1, 0.03)];
    expect(metricsAtStep(perEpoch, { step: null, epoch: 1 })).toEqual({
      top1: point("top1", null, 1, 33.3),
      lr: point("lr", null, 1, 0.03),
    });
    expect(metricsAtStep(perEpoch, { step: 40, epoch: 1 })["top1"]).toEqual(point("top1", null, 1, 33.3));
    expect(metricsAtStep(perEpoch, { step: null, epoch: null })).toEqual({});
  });

  test("fractional (HF) epochs do not constrain the step search", () => {
    const hf = [point("eval_loss", 500, 1, 0.45), point("loss", 750, 1.5, 0.3)];
    const expected = {
      eval_loss: point("eval_loss", 500, 1, 0.45),
      loss: point("loss", 750, 1.5, 0.3),
    };
    expect(metricsAtStep(hf, { step: 1000, epoch: null })).toEqual(expected);
    expect(metricsAtStep(hf, { step: 800, epoch: 1.6 })).toEqual(expected);
    expect(metricsAtStep(hf, { step: 1000, epoch: 2 })).toEqual({
      loss: point("loss", 750, 1.5, 0.3),
    });
  });
});

test("withEpochFromSeries fills epochs from the epoch scalar", () => {
  const points = [
    point("lr", 0, null, 0.01),
    point("loss", 1, null, 2),
    point("epoch", 1, null, 0),
    point("loss", 9, null, 1),
    point("epoch", 9, null, 1),
  ];
  expect(withEpochFromSeries(points)).toEqual([
    point("lr", 0, null, 0.01),
    point("loss", 1, 0, 2),
    point("epoch", 1, null, 0),
    point("loss", 9, 1, 1),
    point("epoch", 9, null, 1),
  ]);
});

test("metricNames keeps first-seen order", () => {
  expect(metricNames([point("b", 0, 0, 1), point("a", 0, 0, 1), point("b", 1, 0, 1)])).toEqual(["b", "a"]);
});

test("the schema accepts NaN and ±Infinity values", () => {
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5]) {
    expect(MetricPointSchema.safeParse(point("x", 1, 0, value)).success).toBe(true);
  }
  expect(MetricPointSchema.safeParse({ name: "x", step: 1.5, epoch: 0, value: 1 }).success).toBe(false);
});
