import { describe, expect, test } from "bun:test";
import {
  DEFAULT_FILL_WARNING_SECONDS,
  type FillForecast,
  forecastFill,
} from "../../../src/core/health/fill-forecast.ts";
import {
  measureWriteRate,
  type WriteRate,
  type WrittenCheckpoint,
} from "../../../src/core/health/write-rate.ts";

const HOUR = 3_600_000;
const GB = 1e9;
const NOW = 100 * HOUR;
const at = (hoursAgo: number, bytes: number): WrittenCheckpoint => ({
  mtimeMs: NOW - hoursAgo * HOUR,
  bytes,
});

describe("measureWriteRate", () => {
  const cases: {
    name: string;
    written: WrittenCheckpoint[];
    historyStartMs: number | null;
    expected: WriteRate;
  }[] = [
    {
      name: "long history: bytes inside the 6 h window over 6 h; older checkpoints ignored",
      written: [at(10, 5 * GB), at(5, 4 * GB), at(3, 4 * GB), at(1, 4 * GB)],
      historyStartMs: NOW - 50 * HOUR,
      expected: {
        kind: "measured",
        bytesPerHour: 2 * GB,
        bytes: 12 * GB,
        checkpoints: 3,
        sinceMs: NOW - 6 * HOUR,
        historyStartsInWindow: false,
      },
    },
    {
      name: "history starting inside the window: span from the first checkpoint, which is not counted",
      written: [at(2, 3 * GB), at(1, 3 * GB), at(0, 3 * GB)],
      historyStartMs: NOW - 2 * HOUR,
      expected: {
        kind: "measured",
        bytesPerHour: 3 * GB,
        bytes: 6 * GB,
        checkpoints: 2,
        sinceMs: NOW - 2 * HOUR,
        historyStartsInWindow: true,
      },
    },
    {
      name: "nothing written in the window: a measured zero",
      written: [at(30, GB)],
      historyStartMs: NOW - 30 * HOUR,
      expected: {
        kind: "measured",
        bytesPerHour: 0,
        bytes: 0,
        checkpoints: 0,
        sinceMs: NOW - 6 * HOUR,
        historyStartsInWindow: false,
      },
    },
    {
      name: "one checkpoint only: too little history",
      written: [at(1, GB)],
      historyStartMs: NOW - HOUR,
      expected: { kind: "unknown", reason: "one checkpoint so far: no interval to measure a rate over" },
    },
    {
      name: "history of 9 min 59 s: too short to extrapolate",
      written: [at(599 / 3600, GB), at(0, GB)],
      historyStartMs: NOW - 599_000,
      expected: {
        kind: "unknown",
        reason: "the catalogued history spans 599 s, under the 10 min a rate needs",
      },
    },
    {
      name: "history of exactly 10 min: measured",
      written: [at(600 / 3600, GB), at(0, GB)],
      historyStartMs: NOW - 600_000,
      expected: {
        kind: "measured",
        bytesPerHour: 6 * GB,
        bytes: GB,
        checkpoints: 1,
        sinceMs: NOW - 600_000,
        historyStartsInWindow: true,
      },
    },
    {
      name: "no checkpoint on the filesystem",
      written: [],
      historyStartMs: null,
      expected: { kind: "unknown", reason: "no checkpoint is catalogued on this filesystem" },
    },
  ];
  for (const { name, written, historyStartMs, expected } of cases)
    test(name, () => {
      expect(measureWriteRate({ written, historyStartMs, nowMs: NOW, windowMs: 6 * HOUR })).toEqual(expected);
    });
});

describe("forecastFill", () => {
  const space = { mountPoint: "/data", fsType: "ext4", freeBytes: 19 * GB, totalBytes: 1000 * GB };
  const measured = (bytesPerHour: number): WriteRate => ({
    kind: "measured",
    bytesPerHour,
    bytes: 0,
    checkpoints: 1,
    sinceMs: 0,
    historyStartsInWindow: false,
  });
  const cases: [string, WriteRate, FillForecast][] = [
    [
      "6 GB/h into 19 GB: 3h 10m, warned",
      measured(6 * GB),
      { kind: "fills", seconds: 11_400, warning: true },
    ],
    [
      "0.5 GB/h into 19 GB: 38 h, not warned",
      measured(0.5 * GB),
      { kind: "fills", seconds: 136_800, warning: false },
    ],
    ["zero rate", measured(0), { kind: "not-filling", reason: "no checkpoint bytes written in the span" }],
    ["unknown rate", { kind: "unknown", reason: "why" } as WriteRate, { kind: "unknown", reason: "why" }],
  ];
  for (const [name, rate, expected] of cases)
    test(name, () => {
      expect(forecastFill({ space, rate, warningSeconds: DEFAULT_FILL_WARNING_SECONDS })).toEqual(expected);
    });
});
