import { formatBytes, formatDuration } from "../catalog/human-units.ts";
import type { DiskHealth, FilesystemHealth, StalledRun } from "./disk-health.ts";

function rateText(fs: FilesystemHealth, windowSeconds: number): string {
  if (fs.bytes_per_hour === null || fs.rate_source === null)
    return `rate unknown: ${fs.rate_note ?? "no history"}`;
  const source = fs.rate_source;
  const span =
    source.span_seconds < windowSeconds
      ? `the ${formatDuration(source.span_seconds)} since the first catalogued one`
      : `the last ${formatDuration(windowSeconds)}`;
  return `${formatBytes(fs.bytes_per_hour)}/h (${source.checkpoints} checkpoints, ${formatBytes(source.bytes)} in ${span})`;
}

const YEAR_SECONDS = 365 * 86_400;

/** A forecast past a year says so: "26826d 22h" at a trickle of writes reads as precision it does not have. */
function fillTime(seconds: number): string {
  return seconds > YEAR_SECONDS ? "more than a year" : formatDuration(seconds);
}

function forecastText(fs: FilesystemHealth): string {
  if (fs.fills_in_seconds === null) return fs.bytes_per_hour === 0 ? "not filling" : "no forecast";
  const text = `at this rate ${fs.mount_point} fills in ${fillTime(fs.fills_in_seconds)}`;
  return fs.warning ? `WARNING ${text}` : text;
}

/** One line per filesystem: where, free of total, the write rate and its source, the forecast. */
export function filesystemLine(fs: FilesystemHealth, windowSeconds: number): string {
  const free = `${formatBytes(fs.free_bytes)} free of ${formatBytes(fs.total_bytes)}`;
  return `${fs.mount_point} (${fs.fs_type}): ${free}; writing ${rateText(fs, windowSeconds)}; ${forecastText(fs)}`;
}

/** Why a run is stalled, with the numbers it was judged by. */
export function stalledLine(run: StalledRun, incompleteLimitSeconds: number): string {
  const quiet = formatDuration(run.since_last_seconds);
  if (run.reason === "incomplete")
    return `${run.run}: newest checkpoint incomplete for ${quiet} (the watcher gives up after ${formatDuration(incompleteLimitSeconds)}): ${run.path ?? ""}`;
  return `${run.run}: no checkpoint for ${quiet}; it saved every ${formatDuration(run.expected_interval_seconds ?? 0)} (median of its last ${run.intervals ?? 0} intervals)`;
}

function runsSummary(runs: DiskHealth["runs"]): string {
  return [
    `${runs.stalled.length} stalled`,
    `${runs.on_pace} on pace`,
    `${runs.too_little_history} with too little history (fewer than ${runs.min_intervals} intervals)`,
    `runs quiet for over ${formatDuration(runs.live_window_seconds)} not checked`,
  ].join(", ");
}

/** The health block of `ckpt stats` and `ckpt status`, one fact per line (names from disk escaped by the caller). */
export function renderDiskHealth(health: DiskHealth): string[] {
  const lines = ["disk:"];
  if (health.filesystems.length === 0 && health.unmeasured.length === 0)
    lines.push("  no watched or catalogued filesystem");
  for (const fs of health.filesystems) lines.push(`  ${filesystemLine(fs, health.rate_window_seconds)}`);
  for (const missing of health.unmeasured)
    lines.push(`  ${missing.path}: free space unknown: ${missing.problem}`);
  lines.push(`runs:   ${runsSummary(health.runs)}`);
  for (const run of health.runs.stalled)
    lines.push(`  stalled ${stalledLine(run, health.runs.incomplete_limit_seconds)}`);
  return lines;
}

/** The TUI's disk line: each filesystem's free space and forecast, then the stalled runs; `warning` colours it. */
export function diskStatusLine(health: DiskHealth): { readonly text: string; readonly warning: boolean } {
  const parts = health.filesystems.map((fs) => {
    const free = `${fs.mount_point} ${formatBytes(fs.free_bytes)} free`;
    if (fs.fills_in_seconds === null) return free;
    const rate = `${formatBytes(fs.bytes_per_hour ?? 0)}/h`;
    const fills = `fills in ${fillTime(fs.fills_in_seconds)}`;
    return `${free}, ${rate}, ${fs.warning ? `WARNING ${fills}` : fills}`;
  });
  for (const missing of health.unmeasured) parts.push(`${missing.path}: free space unknown`);
  const stalled = health.runs.stalled.length;
  if (stalled > 0) parts.push(`${stalled} run${stalled === 1 ? "" : "s"} stalled`);
  const warning = stalled > 0 || health.filesystems.some((fs) => fs.warning);
  return { text: `disk ${parts.length === 0 ? "no filesystem" : parts.join(" │ ")}`, warning };
}
