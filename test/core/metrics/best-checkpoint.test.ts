import { describe, expect, test } from "bun:test";
import { bestOf, type RankOptions, rankBy } from "../../../src/core/metrics/best-checkpoint.ts";

type Row = {
  readonly path: string;
  readonly step: number | null;
  readonly epoch: number | null;
  readonly score?: number | null;
};

function row(
  path: string,
  score: number | null | undefined,
  step: number | null = null,
  epoch: number | null = null,
): Row {
  return score === undefined ? { path, step, epoch } : { path, step, epoch, score };
}

function options(higherIsBetter: boolean): RankOptions<Row> {
  return {
    metric: (r) => r.score,
    higherIsBetter,
    step: (r) => r.step,
    epoch: (r) => r.epoch,
    path: (r) => r.path,
  };
}

// The dbnet_r18_dev_full checkpoints: val/hmean by epoch.
const HMEAN_RUN = [
  row("epoch=2-step=24-val/hmean=0.8467.ckpt", 0.8467, 24, 2),
  row("epoch=3-step=32-val/hmean=0.8819.ckpt", 0.8819, 32, 3),
  row("last.ckpt", 0.8819, 32, 3),
];

const cases: readonly (readonly [string, readonly Row[], boolean, string[]])[] = [
  [
    "max metric, tie on score and step broken by path",
    HMEAN_RUN,
    true,
    ["epoch=3-step=32-val/hmean=0.8819.ckpt", "last.ckpt", "epoch=2-step=24-val/hmean=0.8467.ckpt"],
  ],
  ["min metric", [row("a", 0.9, 1), row("b", 0.4, 2), row("c", 0.6, 3)], false, ["b", "c", "a"]],
  [
    "NaN, infinities and missing values go last",
    [
      row("nan", Number.NaN, 9),
      row("inf", Number.POSITIVE_INFINITY, 8),
      row("missing", undefined, 7),
      row("null", null, 6),
      row("ok", 0.1, 1),
    ],
    true,
    ["ok", "nan", "inf", "missing", "null"],
  ],
  [
    "tie goes to the higher step, then the higher epoch",
    [row("early", 0.5, 10, 1), row("late", 0.5, 20, 2), row("same-step-later-epoch", 0.5, 20, 3)],
    true,
    ["same-step-later-epoch", "late", "early"],
  ],
  [
    "missing step ranks below any step",
    [row("no-step", 0.5), row("step-0", 0.5, 0)],
    true,
    ["step-0", "no-step"],
  ],
];

describe("rankBy", () => {
  test.each(cases)("%s", (_name, rows, higherIsBetter, expected) => {
    expect(rankBy(rows, options(higherIsBetter)).map((r) => r.path)).toEqual(expected);
    expect(rankBy([...rows].reverse(), options(higherIsBetter)).map((r) => r.path)).toEqual(expected);
  });
});

describe("bestOf", () => {
  test.each(cases)("%s", (_name, rows, higherIsBetter, expected) => {
    expect(bestOf(rows, options(higherIsBetter))?.path).toEqual(expected[0]);
    expect(bestOf([...rows].reverse(), options(higherIsBetter))?.path).toEqual(expected[0]);
  });

  test.each([
    ["no entries", [] as Row[]],
    ["only NaN and missing", [row("nan", Number.NaN), row("missing", undefined)]],
  ])("%s → null", (_name, rows) => {
    expect(bestOf(rows, options(true))).toEqual(null);
  });

  test("accessors alone are enough", () => {
    const values = [3, 9, Number.NaN, 1];
    expect(bestOf(values, { metric: (v) => v, higherIsBetter: true })).toEqual(9);
    expect(bestOf(values, { metric: (v) => v, higherIsBetter: false })).toEqual(1);
  });
});
