import { describe, expect, test } from "bun:test";
import type { CatalogEntry } from "../../../src/core/catalog/catalog-entry.ts";
import { compactTimestamp, displayString } from "../../../src/core/catalog/display-string.ts";
import { formatAge, formatBytes } from "../../../src/core/catalog/human-units.ts";

const seed = {
  path: "/o/exp/checkpoints/epoch=10.ckpt",
  architecture: "dbnet",
  encoder: "resnet50",
  exp_name: "exp",
  epoch: 10,
  task: "text-detection",
  primary_metric: { name: "val/hmean", value: 0.843, higher_is_better: true },
  metrics: { precision: 0.8542, recall: 0.8321, hmean: 0.843, validation_loss: 0.0234 },
  created_at: "2025-10-18T14:32:15",
} satisfies Partial<CatalogEntry>;

describe("displayString", () => {
  test("the seed's label", () => {
    expect(displayString(seed)).toBe(
      "dbnet · resnet50 · exp (ep10 • hmean 0.843 • prec 0.854 • rec 0.832 • 20251018_1432)",
    );
  });
  test("unknown parts are left out; the file name stands in for the experiment", () => {
    expect(
      displayString({
        ...seed,
        architecture: null,
        encoder: null,
        exp_name: null,
        epoch: null,
        primary_metric: null,
        metrics: null,
        created_at: null,
      }),
    ).toBe("epoch=10.ckpt");
  });
  test("detection shows mAP50 then the task's other quality metrics", () => {
    const entry = {
      ...seed,
      task: "object-detection",
      primary_metric: { name: "metrics/mAP50(B)", value: 0.61, higher_is_better: true },
      metrics: { precision: 0.7, recall: 0.5, hmean: null, additional_metrics: { "mAP50-95": 0.42 } },
    };
    expect(displayString(entry)).toBe(
      "dbnet · resnet50 · exp (ep10 • mAP50 0.610 • mAP50-95 0.420 • prec 0.700 • 20251018_1432)",
    );
  });
});

describe("units", () => {
  const cases: [string, string][] = [
    [compactTimestamp("2025-10-18T14:32:15.123+02:00") ?? "", "20251018_1432"],
    [formatBytes(0), "0 B"],
    [formatBytes(153_897), "154 KB"],
    [formatBytes(4_500_000_000), "4.5 GB"],
    [formatAge(100_000, 58_000), "42s"],
    [formatAge(10_000_000, 0), "2h"],
    [formatAge(30 * 86_400_000, 0), "4w"],
  ];
  for (const [actual, expected] of cases) test(expected, () => expect(actual).toBe(expected));
});
