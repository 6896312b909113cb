import { expect, test } from "bun:test";
import type { MetricPoint } from "../../../src/core/runs/metric-series.ts";
import { pointsFingerprint } from "../../../src/core/runs/points-fingerprint.ts";

const points: MetricPoint[] = [
  { name: "val/hmean", step: 10, epoch: 0, value: 0.5 },
  { name: "train/loss", step: 10, epoch: 0, value: 1.25, wallTime: 1_700_000_000.5 },
  { name: "val/hmean", step: 20, epoch: 1, value: Number.NaN },
];

test("equal points give equal fingerprints; any change of name, step, epoch, value, time or count differs", () => {
  const same = pointsFingerprint(structuredClone(points));
  expect(pointsFingerprint(points)).toBe(same);
  const variants: MetricPoint[][] = [
    points.slice(0, 2),
    [...points, { name: "val/hmean", step: 30, epoch: 2, value: 0.6 }],
    points.map((point, index) => (index === 0 ? { ...point, name: "val/hmeam" } : point)),
    points.map((point, index) => (index === 0 ? { ...point, step: 11 } : point)),
    points.map((point, index) => (index === 0 ? { ...point, epoch: null } : point)),
    points.map((point, index) => (index === 0 ? { ...point, value: 0.5000001 } : point)),
    points.map((point, index) => (index === 1 ? { ...point, wallTime: 1_700_000_001 } : point)),
    [points[1], points[0], points[2]].filter((point): point is MetricPoint => point !== undefined),
  ];
  const fingerprints = variants.map(pointsFingerprint);
  for (const fingerprint of fingerprints) expect(fingerprint).not.toBe(same);
  expect(new Set(fingerprints).size).toBe(fingerprints.length);
});
