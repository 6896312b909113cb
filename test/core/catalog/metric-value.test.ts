import { describe, expect, test } from "bun:test";
import { metricValueOf } from "../../../src/core/catalog/metric-value.ts";
import type { MetricsInfo } from "../../../src/core/metadata/metadata-schema.ts";

describe("metricValueOf", () => {
  const metrics: MetricsInfo = {
    precision: 0.8,
    recall: null,
    hmean: null,
    validation_loss: null,
    additional_metrics: {
      "metrics/mAP50-95(B)": 0.0393,
      "val/mAP50-95": 0.5,
      "metrics/recall(B)": 0.2,
      "lr-AdamW": 0.001,
      mAP50: 0.11,
    },
  };
  const cases: [string, number | null][] = [
    ["precision", 0.8],
    ["recall", 0.2],
    ["mAP50-95", 0.0393],
    ["mAP50", 0.11],
    ["lr-AdamW", 0.001],
    ["hmean", null],
    ["miou", null],
    ["nothing", null],
  ];
  for (const [name, expected] of cases) {
    test(name, () => expect(metricValueOf(metrics, name)).toBe(expected));
  }
  test("no metrics block", () => expect(metricValueOf(null, "hmean")).toBeNull());
});
