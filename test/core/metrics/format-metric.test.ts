import { describe, expect, test } from "bun:test";
import {
  type FormatOptions,
  formatMetricPiece,
  formatMetricValue,
  type MetricPiece,
} from "../../../src/core/metrics/format-metric.ts";
import type { MetricFormat } from "../../../src/core/metrics/metric-definition.ts";

const values: readonly (readonly [string, number | null | undefined, MetricFormat, FormatOptions, string])[] =
  [
    ["fraction as percent", 0.9811, "percent", {}, "98.11%"],
    ["timm eval_top1 already in percent", 83.33333333333333, "percent", {}, "83.33%"],
    ["one is 100%", 1, "percent", {}, "100.00%"],
    ["zero", 0, "percent", {}, "0.00%"],
    ["known percent scale keeps a small value small", 0.5, "percent", { scale: "percent" }, "0.50%"],
    ["known fraction scale", 0.005, "percent", { scale: "fraction" }, "0.50%"],
    ["float four decimals", 0.023412, "float", {}, "0.0234"],
    ["large float", 415.325451321072, "float", {}, "415.3255"],
    ["tiny float in scientific notation", 0.00035, "float", {}, "3.500e-4"],
    ["huge float in scientific notation", 12345678, "float", {}, "1.235e+7"],
    ["float zero", 0, "float", {}, "0.0000"],
    ["int rounds", 1234.6, "int", {}, "1235"],
    ["missing", null, "float", {}, "—"],
    ["undefined", undefined, "percent", {}, "—"],
    ["NaN", Number.NaN, "percent", {}, "nan"],
    ["infinity", Number.POSITIVE_INFINITY, "float", {}, "inf"],
    ["negative infinity", Number.NEGATIVE_INFINITY, "float", {}, "-inf"],
  ];

describe("formatMetricValue", () => {
  test.each(values)("%s", (_name, value, format, options, expected) => {
    expect(formatMetricValue(value, { format }, options)).toEqual(expected);
  });
});

const pieces: readonly (readonly [MetricPiece, string])[] = [
  [{ name: "hmean", value: 0.843 }, "hmean 0.843"],
  [{ name: "precision", value: 0.8542 }, "prec 0.854"],
  [{ name: "recall", value: 0.8321 }, "rec 0.832"],
  [{ name: "validation_loss", value: 0.0234 }, "val_loss 0.023"],
  [{ name: "lr-Adam", value: 0.00001 }, "lr-Adam 1.00e-5"],
  [{ name: "hmean", value: null }, "hmean —"],
  [{ name: "hmean", value: Number.NaN }, "hmean nan"],
];

describe("formatMetricPiece", () => {
  test.each(pieces)("%o", (piece, expected) => {
    expect(formatMetricPiece(piece)).toEqual(expected);
  });

  test("the seed's one-line summary", () => {
    const line = [
      { name: "hmean", value: 0.843 },
      { name: "precision", value: 0.8542 },
      { name: "recall", value: 0.8321 },
    ]
      .map(formatMetricPiece)
      .join(" • ");
    expect(line).toEqual("hmean 0.843 • prec 0.854 • rec 0.832");
  });
});
