import { describe, expect, test } from "bun:test";
import {
  type FitnessFormula,
  type FitnessFormulaOptions,
  fitnessFrom,
  fitnessPoints,
  ultralyticsFitnessFormula,
} from "../../../src/core/metrics/ultralytics-fitness.ts";

// `train_metrics` of the real 8.3.167 best.pt: its saved fitness is 0.1·mAP50 + 0.9·mAP50-95, rounded.
const BEST_PT_METRICS = {
  "metrics/precision(B)": 0.78075,
  "metrics/recall(B)": 0.07407,
  "metrics/mAP50(B)": 0.10615,
  "metrics/mAP50-95(B)": 0.0393,
  "val/box_loss": 3.40481,
  fitness: 0.04599,
};

const box = (map50: number, map5095: number, kind = "B") => [
  { column: `metrics/mAP50(${kind})`, weight: map50 },
  { column: `metrics/mAP50-95(${kind})`, weight: map5095 },
];

describe("ultralyticsFitnessFormula", () => {
  const cases: [string, FitnessFormulaOptions, FitnessFormula | null][] = [
    [
      "detect, 8.3",
      { task: "detect", version: "8.3.167", columns: [] },
      { terms: box(0.1, 0.9), text: "0.1·mAP50(B) + 0.9·mAP50-95(B)", basis: "ultralytics 8.3.167" },
    ],
    [
      "detect, 8.0",
      { task: "detect", version: "8.0.208", columns: [] },
      { terms: box(0.1, 0.9), text: "0.1·mAP50(B) + 0.9·mAP50-95(B)", basis: "ultralytics 8.0.208" },
    ],
    [
      "detect, 8.4: mAP50-95 alone",
      { task: "detect", version: "8.4.135", columns: [] },
      { terms: box(0, 1), text: "mAP50-95(B)", basis: "ultralytics 8.4.135" },
    ],
    [
      "obb weighs boxes",
      { task: "obb", version: "8.3.0", columns: [] },
      { terms: box(0.1, 0.9), text: "0.1·mAP50(B) + 0.9·mAP50-95(B)", basis: "ultralytics 8.3.0" },
    ],
    [
      "segment: boxes plus masks",
      { task: "segment", version: "8.3.167", columns: [] },
      {
        terms: [...box(0.1, 0.9), ...box(0.1, 0.9, "M")],
        text: "0.1·mAP50(B) + 0.9·mAP50-95(B) + 0.1·mAP50(M) + 0.9·mAP50-95(M)",
        basis: "ultralytics 8.3.167",
      },
    ],
    [
      "pose told by its (P) columns, version unknown",
      { task: null, version: null, columns: ["metrics/mAP50(B)", "metrics/mAP50-95(P)"] },
      {
        terms: [...box(0.1, 0.9), ...box(0.1, 0.9, "P")],
        text: "0.1·mAP50(B) + 0.9·mAP50-95(B) + 0.1·mAP50(P) + 0.9·mAP50-95(P)",
        basis: "ultralytics version unknown: the 8.x weights",
      },
    ],
    [
      "classify: mean of top1 and top5",
      { task: "classify", version: "8.4.1", columns: [] },
      {
        terms: [
          { column: "metrics/accuracy_top1", weight: 0.5 },
          { column: "metrics/accuracy_top5", weight: 0.5 },
        ],
        text: "0.5·accuracy_top1 + 0.5·accuracy_top5",
        basis: "ultralytics ClassifyMetrics",
      },
    ],
    [
      "a saved fitness beats the version",
      { task: "detect", version: "8.4.0", columns: [], saved: BEST_PT_METRICS },
      {
        terms: box(0.1, 0.9),
        text: "0.1·mAP50(B) + 0.9·mAP50-95(B)",
        basis: "the fitness saved in the checkpoint",
      },
    ],
    [
      "a saved fitness both weightings explain (all zero) leaves the version to decide",
      {
        task: "detect",
        version: "8.4.0",
        columns: [],
        saved: { "metrics/mAP50(B)": 0, "metrics/mAP50-95(B)": 0, fitness: 0 },
      },
      { terms: box(0, 1), text: "mAP50-95(B)", basis: "ultralytics 8.4.0" },
    ],
    ["no task and no metric columns", { task: null, version: "8.3.1", columns: ["train/box_loss"] }, null],
  ];
  for (const [name, options, expected] of cases) {
    test(name, () => expect(ultralyticsFitnessFormula(options)).toEqual(expected));
  }
});

describe("fitnessFrom", () => {
  const formula = ultralyticsFitnessFormula({ task: "detect", version: "8.3.167", columns: [] });
  if (formula === null) throw new Error("detect has a formula");
  const cases: [string, Record<string, number>, number | null][] = [
    ["the real best.pt row", BEST_PT_METRICS, 0.1 * 0.10615 + 0.9 * 0.0393],
    [
      "NaN counts as zero (np.nan_to_num)",
      { "metrics/mAP50(B)": Number.NaN, "metrics/mAP50-95(B)": 0.5 },
      0.45,
    ],
    ["a missing column", { "metrics/mAP50(B)": 0.5 }, null],
  ];
  for (const [name, values, expected] of cases) {
    test(name, () => expect(fitnessFrom(formula, values)).toEqual(expected));
  }
});

describe("fitnessPoints", () => {
  test("one fitness point per results.csv row that has every term", () => {
    const formula = ultralyticsFitnessFormula({ task: "detect", version: "8.4.1", columns: [] });
    if (formula === null) throw new Error("detect has a formula");
    const point = (name: string, epoch: number, value: number) => ({ name, step: null, epoch, value });
    const points = [
      point("metrics/mAP50(B)", 0, 0.2),
      point("metrics/mAP50-95(B)", 0, 0.1),
      point("metrics/mAP50(B)", 1, 0.4),
      point("metrics/mAP50(B)", 2, 0.5),
      point("metrics/mAP50-95(B)", 2, 0.3),
    ];
    expect(fitnessPoints(formula, points)).toEqual([point("fitness", 0, 0.1), point("fitness", 2, 0.3)]);
  });
});
