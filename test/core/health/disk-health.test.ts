import { expect, test } from "bun:test";
import { assessDiskHealth, type HealthInput } from "../../../src/core/health/disk-health.ts";
import { filesystemLine, renderDiskHealth } from "../../../src/core/health/disk-health-text.ts";
import { RUN_PACE_DEFAULTS } from "../../../src/core/health/run-pace.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const GB = 1e9;
const NOW = 1000 * HOUR;
const ok = (run: string, minutesAgo: number) => ({
  path: `${run}/${minutesAgo}.ckpt`,
  mtimeMs: NOW - minutesAgo * MIN,
  status: "ok" as const,
});

const input: HealthInput = {
  filesystems: [
    {
      space: { mountPoint: "/data", fsType: "ext4", freeBytes: 19 * GB, totalBytes: 1000 * GB },
      // 36 GB over the last 6 h: 6 GB/h, so 19 GB lasts 3h 10m.
      written: [1, 2, 3, 4, 5, 5.5].map((hoursAgo) => ({ mtimeMs: NOW - hoursAgo * HOUR, bytes: 6 * GB })),
      historyStartMs: NOW - 100 * HOUR,
    },
    {
      space: { mountPoint: "/", fsType: "xfs", freeBytes: 50 * GB, totalBytes: 100 * GB },
      written: [],
      historyStartMs: null,
    },
  ],
  runs: [
    { runDir: "/data/b", checkpoints: [150, 120, 90, 61].map((ago) => ok("/data/b", ago)) },
    { runDir: "/data/a", checkpoints: [90, 60, 30, 0].map((ago) => ok("/data/a", ago)) },
    {
      runDir: "/data/c",
      checkpoints: [{ path: "/data/c/x.ckpt", mtimeMs: NOW - 2 * HOUR, status: "incomplete" }],
    },
    { runDir: "/data/d", checkpoints: [ok("/data/d", 5)] },
  ],
  unmeasured: [{ path: "/gone", problem: "ENOENT: no such file or directory" }],
  nowMs: NOW,
  windowMs: 6 * HOUR,
  warningSeconds: 24 * 3600,
  incompleteLimitMs: HOUR,
};

test("assessDiskHealth: rate, forecast and stalled runs with their sources", () => {
  const health = assessDiskHealth(input);
  expect(health.filesystems).toEqual([
    {
      mount_point: "/",
      fs_type: "xfs",
      free_bytes: 50 * GB,
      total_bytes: 100 * GB,
      bytes_per_hour: null,
      rate_source: null,
      rate_note: "no checkpoint is catalogued on this filesystem",
      fills_in_seconds: null,
      warning: false,
    },
    {
      mount_point: "/data",
      fs_type: "ext4",
      free_bytes: 19 * GB,
      total_bytes: 1000 * GB,
      bytes_per_hour: 6 * GB,
      rate_source: { bytes: 36 * GB, checkpoints: 6, span_seconds: 21_600 },
      rate_note: null,
      fills_in_seconds: 11_400,
      warning: true,
    },
  ]);
  expect(health.runs).toEqual({
    stalled: [
      {
        run: "/data/b",
        reason: "overdue",
        since_last_seconds: 3660,
        expected_interval_seconds: 1800,
        intervals: 3,
        path: null,
      },
      {
        run: "/data/c",
        reason: "incomplete",
        since_last_seconds: 7200,
        expected_interval_seconds: null,
        intervals: null,
        path: "/data/c/x.ckpt",
      },
    ],
    on_pace: 1,
    too_little_history: 1,
    min_intervals: RUN_PACE_DEFAULTS.minIntervals,
    stall_factor: 2,
    incomplete_limit_seconds: 3600,
    live_window_seconds: 86_400,
  });
});

test("renderDiskHealth: one fact per line", () => {
  expect(renderDiskHealth(assessDiskHealth(input))).toEqual([
    "disk:",
    "  / (xfs): 50.0 GB free of 100 GB; writing rate unknown: no checkpoint is catalogued on this filesystem; no forecast",
    "  /data (ext4): 19.0 GB free of 1.0 TB; writing 6.0 GB/h (6 checkpoints, 36.0 GB in the last 6h 0m); WARNING at this rate /data fills in 3h 10m",
    "  /gone: free space unknown: ENOENT: no such file or directory",
    "runs:   2 stalled, 1 on pace, 1 with too little history (fewer than 3 intervals), runs quiet for over 1d 0h not checked",
    "  stalled /data/b: no checkpoint for 1h 1m; it saved every 30m 0s (median of its last 3 intervals)",
    "  stalled /data/c: newest checkpoint incomplete for 2h 0m (the watcher gives up after 1h 0m): /data/c/x.ckpt",
  ]);
});

test("filesystemLine: a forecast past a year says so instead of a day count", () => {
  const slow = {
    mount_point: "/big",
    fs_type: "ext4",
    free_bytes: 900 * GB,
    total_bytes: 1000 * GB,
    bytes_per_hour: 1e6,
    rate_source: { bytes: 6e6, checkpoints: 2, span_seconds: 6 * 3600 },
    rate_note: null,
    fills_in_seconds: ((900 * GB) / 1e6) * 3600,
    warning: false,
  };
  const shown = [slow, { ...slow, fills_in_seconds: 200 * 86_400 }].map((fs) => filesystemLine(fs, 6 * 3600));
  expect(shown.map((line) => line.split("; ").at(-1))).toEqual([
    "at this rate /big fills in more than a year",
    "at this rate /big fills in 200d 0h",
  ]);
});
