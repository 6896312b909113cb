import { describe, expect, test } from "bun:test";
import {
  allMetricDefinitions,
  isCanonicalMetric,
  metricDefinition,
  TASK_METRICS,
  taskMetrics,
} from "../../../src/core/metrics/metric-catalog.ts";
import { MetricDefinition } from "../../../src/core/metrics/metric-definition.ts";
import { TASK_TYPES } from "../../../src/core/metrics/task-types.ts";

describe("metric catalog", () => {
  test("every definition satisfies the schema", () => {
    for (const definition of allMetricDefinitions()) {
      expect(MetricDefinition.safeParse(definition)).toEqual({ success: true, data: definition });
    }
  });

  test("hmean", () => {
    expect(metricDefinition("hmean")).toEqual({
      name: "hmean",
      label: "H-mean",
      format: "percent",
      higher_is_better: true,
      description: "Harmonic mean of precision and recall (F1)",
    });
  });

  test("losses and perplexity are lower-is-better floats, everything else higher-is-better percent", () => {
    const lowerIsBetter = allMetricDefinitions().filter((definition) => !definition.higher_is_better);
    expect(lowerIsBetter.every((definition) => definition.format === "float")).toEqual(true);
    expect(lowerIsBetter.every((definition) => /loss$|^perplexity$/.test(definition.name))).toEqual(true);
  });

  const primaries = [
    ["text-detection", "hmean"],
    ["image-classification", "accuracy"],
    ["object-detection", "mAP50"],
    ["instance-segmentation", "mask_mAP50"],
    ["semantic-segmentation", "miou"],
    ["pose-estimation", "pose_mAP50"],
    ["language-modelling", "validation_loss"],
    ["generic", "validation_loss"],
  ] as const;

  test.each(primaries)("%s → %s, listed first among its standard metrics", (task, primary) => {
    expect(taskMetrics(task).primary).toEqual(primary);
    expect(taskMetrics(task).standard[0]).toEqual(primary);
  });

  test("every task has a table and every standard metric a definition", () => {
    expect(Object.keys(TASK_METRICS).sort()).toEqual([...TASK_TYPES].sort());
    for (const task of TASK_TYPES) {
      expect(taskMetrics(task).standard.filter((name) => !isCanonicalMetric(name))).toEqual([]);
    }
  });

  test("isCanonicalMetric ignores prototype keys", () => {
    expect(["hmean", "mAP50-95", "constructor", "toString", "HMEAN"].map(isCanonicalMetric)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
