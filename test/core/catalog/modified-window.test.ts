import { describe, expect, test } from "bun:test";
import {
  type ModifiedWindow,
  parseModifiedWindow,
  parseTimePoint,
  TIME_FORMS,
  type WallClockTime,
} from "../../../src/core/catalog/modified-window.ts";
import type { Result } from "../../../src/core/result.ts";

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
// A user two hours east of UTC: local wall-clock times are two hours ahead.
const localTime = (time: WallClockTime) =>
  Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second, time.millisecond) -
  7_200_000;
const context = { now, localTime };

describe("parseTimePoint", () => {
  const cases: [string, Result<number, string>][] = [
    ["30m", { success: true, data: now - 30 * 60_000 }],
    ["12h", { success: true, data: now - 12 * 3_600_000 }],
    ["7d", { success: true, data: now - 7 * 86_400_000 }],
    ["2w", { success: true, data: now - 14 * 86_400_000 }],
    ["1.5h", { success: true, data: now - 5_400_000 }],
    ["90s", { success: true, data: now - 90_000 }],
    ["7D", { success: true, data: now - 7 * 86_400_000 }],
    ["2026-11-20", { success: true, data: Date.UTC(2026, 10, 20) - 7_200_000 }],
    ["2026-11-20T14:30", { success: true, data: Date.UTC(2026, 10, 20, 14, 30) - 7_200_000 }],
    ["2026-11-20 14:30:15", { success: true, data: Date.UTC(2026, 10, 20, 14, 30, 15) - 7_200_000 }],
    ["2026-11-20T14:30:00Z", { success: true, data: Date.UTC(2026, 10, 20, 14, 30) }],
    ["2026-11-20T14:30:00.5Z", { success: true, data: Date.UTC(2026, 10, 20, 14, 30, 0, 500) }],
    ["2026-11-20T14:30+02:00", { success: true, data: Date.UTC(2026, 10, 20, 12, 30) }],
    ["2026-11-20T14:30-0530", { success: true, data: Date.UTC(2026, 10, 20, 20, 0) }],
    ["2024-02-29", { success: true, data: Date.UTC(2024, 1, 29) - 7_200_000 }],
    ["1969-12-31T00:00Z", { success: true, data: Date.UTC(1969, 11, 31) }],
    ["7x", { success: false, error: `'7x' is not a time; use ${TIME_FORMS}` }],
    ["last week", { success: false, error: `'last week' is not a time; use ${TIME_FORMS}` }],
    ["2026-02-29", { success: false, error: `'2026-02-29' is not a time; use ${TIME_FORMS}` }],
    ["2026-13-01", { success: false, error: `'2026-13-01' is not a time; use ${TIME_FORMS}` }],
    ["2026-11-20T25:00", { success: false, error: `'2026-11-20T25:00' is not a time; use ${TIME_FORMS}` }],
    ["", { success: false, error: `'' is not a time; use ${TIME_FORMS}` }],
  ];
  for (const [text, expected] of cases) {
    test(text || "(empty)", () => expect(parseTimePoint(text, context)).toEqual(expected));
  }
});

describe("parseModifiedWindow", () => {
  const cases: [{ since?: string; until?: string }, Result<ModifiedWindow, string>][] = [
    [{}, { success: true, data: {} }],
    [{ since: "7d" }, { success: true, data: { since: now - 7 * 86_400_000 } }],
    [
      { since: "2w", until: "1w" },
      { success: true, data: { since: now - 14 * 86_400_000, until: now - 7 * 86_400_000 } },
    ],
    [{ until: "nope" }, { success: false, error: `--until 'nope' is not a time; use ${TIME_FORMS}` }],
    [
      { since: "1d", until: "2d" },
      { success: false, error: "--since 1d is not before --until 2d; nothing can match" },
    ],
  ];
  for (const [texts, expected] of cases) {
    test(JSON.stringify(texts), () => expect(parseModifiedWindow(texts, context)).toEqual(expected));
  }
});
