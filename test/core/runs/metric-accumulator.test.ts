import { describe, expect, test } from "bun:test";
import { MetricAccumulator } from "../../../src/core/runs/metric-accumulator.ts";
import { MAX_POINTS_PER_METRIC } from "../../../src/core/runs/metric-reservoir.ts";
import { type MetricPoint, type MetricTarget, metricsAtStep } from "../../../src/core/runs/metric-series.ts";

/** A Lightning-like log: `train_loss` every step, `val_loss`/`val_acc` at each epoch's last step, `lr` unplaced. */
function run(steps: number, stepsPerEpoch: number): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (let step = 0; step < steps; step++) {
    const epoch = Math.floor(step / stepsPerEpoch);
    points.push({ name: "train_loss", step, epoch, value: 1 / (1 + step) + (step % 7) / 100 });
    if (step % 50 === 0) points.push({ name: "lr-Adam", step, epoch: null, value: 0.001 });
    if ((step + 1) % stepsPerEpoch === 0) {
      points.push({ name: "val_loss", step, epoch, value: 1 - step / steps });
      points.push({ name: "val_acc", step, epoch, value: step / steps });
    }
  }
  return points;
}

const expected = (points: readonly MetricPoint[], target: MetricTarget) =>
  Object.values(metricsAtStep(points, target));

describe("MetricAccumulator", () => {
  test("keeps every point of a short run, in file order, and answers any checkpoint like metricsAtStep", () => {
    const points = run(2000, 100);
    const accumulator = new MetricAccumulator();
    for (const point of points) accumulator.add(point);
    expect(accumulator.downsampled).toBe(false);
    expect(accumulator.points()).toEqual(points);
    for (const target of [
      { step: 999, epoch: 9 },
      { step: 1050, epoch: 10 },
      { step: 5, epoch: null },
      { step: null, epoch: 3 },
      { step: 3000, epoch: 30 },
    ])
      expect(accumulator.valuesAt(target)).toEqual(expected(points, target));
  });

  test("bounds a long run per metric, keeps its best values, and stays exact for given and final targets", () => {
    const points = run(60_000, 5000);
    const given = { step: 24_999, epoch: 4 };
    const accumulator = new MetricAccumulator([given]);
    for (const point of points) accumulator.add(point);
    const kept = accumulator.points();
    const trainLoss = kept.filter((point) => point.name === "train_loss");
    expect(accumulator.downsampled).toBe(true);
    expect(trainLoss.length).toBeLessThanOrEqual(MAX_POINTS_PER_METRIC);
    expect(trainLoss.length).toBeGreaterThan(MAX_POINTS_PER_METRIC / 4);
    const all = points.filter((point) => point.name === "train_loss").map((point) => point.value);
    expect(Math.min(...trainLoss.map((p) => p.value))).toBe(Math.min(...all));
    expect(Math.max(...trainLoss.map((p) => p.value))).toBe(Math.max(...all));
    expect(trainLoss[0]).toEqual(points[0] as MetricPoint);
    expect(kept.filter((point) => point.name === "val_loss")).toEqual(
      points.filter((point) => point.name === "val_loss"),
    );
    expect(accumulator.valuesAt(given)).toEqual(expected(points, given));
    const last = { step: 59_999, epoch: 11 };
    expect(accumulator.valuesAt(last)).toEqual(expected(points, last));
    // A checkpoint in the middle that nobody asked about while reading cannot be answered: read again.
    expect(accumulator.valuesAt({ step: 12_345, epoch: 2 })).toBeUndefined();
  });

  test("a target answered at the end of a growing file stays exact as rows arrive", () => {
    const points = run(40_000, 4000);
    const accumulator = new MetricAccumulator();
    const checkpoints: MetricTarget[] = [];
    for (const [index, point] of points.entries()) {
      accumulator.add(point);
      const next = points[index + 1];
      // The daemon asks about each checkpoint when it appears: right after its epoch's validation row.
      if (point.name === "val_acc" && next?.name !== "val_acc" && point.step !== null) {
        const target = { step: point.step, epoch: point.epoch };
        expect(accumulator.valuesAt(target)).toEqual(expected(points.slice(0, index + 1), target));
        checkpoints.push(target);
      }
    }
    expect(checkpoints).toHaveLength(10);
    for (const target of checkpoints) expect(accumulator.valuesAt(target)).toEqual(expected(points, target));
  });

  test("hundreds of followed checkpoints, given in any order, are each answered exactly", () => {
    const points = run(30_000, 100);
    const targets: MetricTarget[] = Array.from({ length: 300 }, (_, index) => {
      const step = ((index * 7919) % 300) * 100 + 99;
      return { step, epoch: Math.floor(step / 100) };
    });
    targets.push({ step: null, epoch: 42 }, { step: 15_000, epoch: null });
    const accumulator = new MetricAccumulator(targets);
    for (const point of points) accumulator.add(point);
    expect(accumulator.downsampled).toBe(true);
    for (const target of targets) expect(accumulator.valuesAt(target)).toEqual(expected(points, target));
  });

  test("past 1,024 followed targets the oldest are forgotten, repeats included, and every answer stays exact", () => {
    const points = run(3_000, 10);
    const given: MetricTarget[] = Array.from({ length: 1_100 }, (_, index) => ({
      step: index % 5 === 0 ? null : (index * 37) % 3_000,
      epoch: index % 3 === 0 ? null : index % 300,
    }));
    given.push(given[1_090] as MetricTarget, given[3] as MetricTarget, { step: 5, epoch: Number.NaN });
    const accumulator = new MetricAccumulator(given);
    for (const point of points) accumulator.add(point);
    expect(accumulator.registeredTargets).toEqual(given.slice(-1_024));
    for (const target of [...given].reverse())
      expect({ target, values: accumulator.valuesAt(target) }).toEqual({
        target,
        values: expected(points, target),
      });
  });
});

describe("MetricAccumulator answers like metricsAtStep on generated logs", () => {
  /** A small deterministic generator (xorshift), so a failure names its seed. */
  function randomOf(seed: number): () => number {
    // Spread the small seeds over 32 bits: xorshift's first outputs from 1, 2, 3 … are tiny.
    let state = Math.imul(seed, 2654435761) | 1;
    return () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
  }

  function generatedLog(random: () => number): MetricPoint[] {
    const names = ["loss", "acc", "lr", "val/hmean"];
    const points: MetricPoint[] = [];
    let step = 0;
    // Most logs are written in training order with a step on every row; some are not.
    const shuffled = random() < 0.2;
    const someWithoutStep = random() < 0.2;
    for (let index = 0; index < 60; index++) {
      step += Math.floor(random() * 3); // repeats of a step, as Lightning logs several metrics per step
      const name = names[Math.floor(random() * names.length)] as string;
      const epochKind = random();
      const epoch = epochKind < 0.8 ? Math.floor(step / 10) : epochKind < 0.9 ? null : step / 10;
      const noStep = someWithoutStep && random() < 0.1;
      const pointStep = shuffled ? Math.floor(random() * 40) : step;
      points.push({ name, step: noStep ? null : pointStep, epoch, value: random() });
    }
    return points;
  }

  test("every target of 300 generated logs, steps in order or not, with and without steps and epochs", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = randomOf(seed);
      const points = generatedLog(random);
      const accumulator = new MetricAccumulator();
      for (const point of points) accumulator.add(point);
      for (const target of [
        { step: Math.floor(random() * 50), epoch: Math.floor(random() * 5) },
        { step: 10 * Math.floor(random() * 5) + 9, epoch: null },
        { step: Math.floor(random() * 50), epoch: null },
        { step: Math.floor(random() * 50), epoch: 1.5 },
        { step: null, epoch: Math.floor(random() * 5) },
        { step: -1, epoch: null },
        { step: 10_000, epoch: null },
      ])
        expect({ seed, target, values: accumulator.valuesAt(target) }).toEqual({
          seed,
          target,
          values: expected(points, target),
        });
    }
  });

  test("per-epoch logs (no row has a step) of 300 seeds: every target, found by its epoch", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = randomOf(seed);
      const names = ["train_loss", "eval_top1", "metrics/mAP50(B)"];
      const points: MetricPoint[] = [];
      for (let index = 0; index < 40; index++) {
        const epochKind = random();
        const epoch = epochKind < 0.8 ? Math.floor(index / 3) : epochKind < 0.9 ? null : Number.NaN;
        const name = names[Math.floor(random() * names.length)] as string;
        points.push({ name, step: null, epoch: random() < 0.1 ? 1.5 : epoch, value: random() });
      }
      const accumulator = new MetricAccumulator();
      for (const point of points) accumulator.add(point);
      for (const target of [
        { step: null, epoch: Math.floor(random() * 14) },
        { step: Math.floor(random() * 50), epoch: Math.floor(random() * 14) },
        { step: null, epoch: 1.5 },
        { step: null, epoch: Number.NaN },
        { step: null, epoch: null },
        { step: 3, epoch: null },
      ])
        expect({ seed, target, values: accumulator.valuesAt(target) }).toEqual({
          seed,
          target,
          values: expected(points, target),
        });
    }
  });
});
