import { describe, expect, test } from "bun:test";
import {
  assessRunPace,
  median,
  RUN_PACE_DEFAULTS,
  type RunCheckpoint,
  type RunPace,
} from "../../../src/core/health/run-pace.ts";

const MIN = 60_000;
const NOW = 10_000 * MIN;
const options = { ...RUN_PACE_DEFAULTS, nowMs: NOW, incompleteLimitMs: 60 * MIN };
/** Checkpoints `minutesAgo` before now, complete unless said. */
const run = (...minutesAgo: number[]): RunCheckpoint[] =>
  minutesAgo.map((ago, index) => ({ path: `/r/c${index}.ckpt`, mtimeMs: NOW - ago * MIN, status: "ok" }));

describe("assessRunPace", () => {
  const cases: { name: string; checkpoints: RunCheckpoint[]; expected: RunPace | null }[] = [
    {
      name: "every 30 min, last one 20 min ago: on pace",
      checkpoints: run(140, 110, 80, 50, 20),
      expected: { kind: "on-pace", expectedIntervalMs: 30 * MIN, sinceLastMs: 20 * MIN, intervals: 4 },
    },
    {
      name: "every 30 min, last one 61 min ago: overdue (2 × 30 min exceeded)",
      checkpoints: run(181, 151, 121, 91, 61),
      expected: { kind: "overdue", expectedIntervalMs: 30 * MIN, sinceLastMs: 61 * MIN, intervals: 4 },
    },
    {
      name: "exactly 2 × the interval is not yet overdue",
      checkpoints: run(150, 120, 90, 60),
      expected: { kind: "on-pace", expectedIntervalMs: 30 * MIN, sinceLastMs: 60 * MIN, intervals: 3 },
    },
    {
      name: "a last.ckpt copy 10 s after each save is one save, not a zero interval",
      checkpoints: run(90, 89.9, 60, 59.9, 30, 29.9, 0, -0.1 + 0.1),
      expected: { kind: "on-pace", expectedIntervalMs: 30 * MIN, sinceLastMs: 0, intervals: 3 },
    },
    {
      name: "two intervals: too little history",
      checkpoints: run(500, 400, 300),
      expected: { kind: "too-little-history", intervals: 2 },
    },
    {
      // 9 intervals of 10 min, then 8 of 30 min: over all 17 the median is 10 min and 50 min would be overdue.
      name: "only the 8 most recent intervals count: a run that slowed down to 30 min",
      checkpoints: run(
        ...[...Array(10).keys()].map((i) => 380 - i * 10),
        ...[...Array(8).keys()].map((i) => 260 - i * 30),
      ),
      expected: { kind: "on-pace", expectedIntervalMs: 30 * MIN, sinceLastMs: 50 * MIN, intervals: 8 },
    },
    {
      name: "newest incomplete for 61 min (limit 60): stalled whatever the history",
      checkpoints: [...run(200), { path: "/r/partial.ckpt", mtimeMs: NOW - 61 * MIN, status: "incomplete" }],
      expected: { kind: "incomplete-stalled", path: "/r/partial.ckpt", incompleteForMs: 61 * MIN },
    },
    {
      name: "newest incomplete for 59 min: still within the settle limit",
      checkpoints: [{ path: "/r/partial.ckpt", mtimeMs: NOW - 59 * MIN, status: "incomplete" }],
      expected: { kind: "too-little-history", intervals: 0 },
    },
    {
      name: "quiet for 25 h: ended, not checked",
      checkpoints: run(3000, 2000, 1600, 1500),
      expected: { kind: "ended", sinceLastMs: 1500 * MIN },
    },
    { name: "no checkpoints", checkpoints: [], expected: null },
  ];
  for (const { name, checkpoints, expected } of cases)
    test(name, () => {
      expect(assessRunPace(checkpoints, options)).toEqual(expected);
    });
});

test("median of odd and even counts", () => {
  expect([median([3, 1, 2]), median([4, 1, 3, 2]), median([])]).toEqual([2, 2.5, 0]);
});
