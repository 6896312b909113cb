import { type FilesystemSpace, forecastFill } from "./fill-forecast.ts";
import { assessRunPace, RUN_PACE_DEFAULTS, type RunCheckpoint, type RunPace } from "./run-pace.ts";
import { measureWriteRate, type WrittenCheckpoint } from "./write-rate.ts";

/** One filesystem holding watched roots or catalogued checkpoints, and its checkpoints' sizes and mtimes. */
export type FilesystemFacts = {
  readonly space: FilesystemSpace;
  readonly written: readonly WrittenCheckpoint[];
  readonly historyStartMs: number | null;
};

export type HealthInput = {
  readonly filesystems: readonly FilesystemFacts[];
  /** Catalogued runs and their checkpoints; the readers leave out those quiet past the live window. */
  readonly runs: readonly { readonly runDir: string; readonly checkpoints: readonly RunCheckpoint[] }[];
  /** Paths whose filesystem could not be asked for its free space, and why. */
  readonly unmeasured: readonly { readonly path: string; readonly problem: string }[];
  readonly nowMs: number;
  readonly windowMs: number;
  readonly warningSeconds: number;
  readonly incompleteLimitMs: number;
};

export type FilesystemHealth = {
  readonly mount_point: string;
  readonly fs_type: string;
  readonly free_bytes: number;
  readonly total_bytes: number;
  /** Null when there is too little history; `rate_note` says why. */
  readonly bytes_per_hour: number | null;
  /** What the rate was measured from: bytes and checkpoints counted over the last `span_seconds`. */
  readonly rate_source: {
    readonly bytes: number;
    readonly checkpoints: number;
    readonly span_seconds: number;
  } | null;
  readonly rate_note: string | null;
  /** Seconds until full at this rate; null when not filling or unknown. */
  readonly fills_in_seconds: number | null;
  readonly warning: boolean;
};

export type StalledRun = {
  readonly run: string;
  readonly reason: "overdue" | "incomplete";
  readonly since_last_seconds: number;
  /** The run's own median interval, over `intervals` recent ones (overdue only). */
  readonly expected_interval_seconds: number | null;
  readonly intervals: number | null;
  /** The incomplete checkpoint (incomplete only). */
  readonly path: string | null;
};

export type DiskHealth = {
  readonly rate_window_seconds: number;
  readonly fill_warning_seconds: number;
  readonly filesystems: readonly FilesystemHealth[];
  readonly unmeasured: readonly { readonly path: string; readonly problem: string }[];
  readonly runs: {
    readonly stalled: readonly StalledRun[];
    readonly on_pace: number;
    readonly too_little_history: number;
    readonly min_intervals: number;
    readonly stall_factor: number;
    readonly incomplete_limit_seconds: number;
    /** Runs quiet for longer than this have ended (or were abandoned): the readers leave them out. */
    readonly live_window_seconds: number;
  };
};

const seconds = (ms: number) => Math.round(ms / 1000);

function filesystemHealth(facts: FilesystemFacts, input: HealthInput): FilesystemHealth {
  const rate = measureWriteRate({ ...facts, nowMs: input.nowMs, windowMs: input.windowMs });
  const forecast = forecastFill({ space: facts.space, rate, warningSeconds: input.warningSeconds });
  const measured = rate.kind === "measured";
  return {
    mount_point: facts.space.mountPoint,
    fs_type: facts.space.fsType,
    free_bytes: facts.space.freeBytes,
    total_bytes: facts.space.totalBytes,
    bytes_per_hour: measured ? Math.round(rate.bytesPerHour) : null,
    rate_source: measured
      ? {
          bytes: rate.bytes,
          checkpoints: rate.checkpoints,
          span_seconds: seconds(input.nowMs - rate.sinceMs),
        }
      : null,
    rate_note: forecast.kind === "fills" ? null : forecast.reason,
    fills_in_seconds: forecast.kind === "fills" ? forecast.seconds : null,
    warning: forecast.kind === "fills" && forecast.warning,
  };
}

function stalledOf(run: string, pace: RunPace): StalledRun | null {
  if (pace.kind === "incomplete-stalled")
    return {
      run,
      reason: "incomplete",
      since_last_seconds: seconds(pace.incompleteForMs),
      expected_interval_seconds: null,
      intervals: null,
      path: pace.path,
    };
  if (pace.kind !== "overdue") return null;
  return {
    run,
    reason: "overdue",
    since_last_seconds: seconds(pace.sinceLastMs),
    expected_interval_seconds: seconds(pace.expectedIntervalMs),
    intervals: pace.intervals,
    path: null,
  };
}

function runsHealth(input: HealthInput): DiskHealth["runs"] {
  const options = { ...RUN_PACE_DEFAULTS, nowMs: input.nowMs, incompleteLimitMs: input.incompleteLimitMs };
  const stalled: StalledRun[] = [];
  const counts = { "on-pace": 0, "too-little-history": 0 };
  for (const run of input.runs) {
    const pace = assessRunPace(run.checkpoints, options);
    if (pace === null) continue;
    const stall = stalledOf(run.runDir, pace);
    if (stall !== null) stalled.push(stall);
    else if (pace.kind === "on-pace" || pace.kind === "too-little-history") counts[pace.kind]++;
  }
  return {
    stalled: stalled.sort((a, b) => a.run.localeCompare(b.run)),
    on_pace: counts["on-pace"],
    too_little_history: counts["too-little-history"],
    min_intervals: options.minIntervals,
    stall_factor: options.overdueFactor,
    incomplete_limit_seconds: seconds(input.incompleteLimitMs),
    live_window_seconds: seconds(options.liveWindowMs),
  };
}

/** Free space, write rate and fill forecast per filesystem, and which live runs have stalled. */
export function assessDiskHealth(input: HealthInput): DiskHealth {
  return {
    rate_window_seconds: seconds(input.windowMs),
    fill_warning_seconds: input.warningSeconds,
    filesystems: input.filesystems
      .map((facts) => filesystemHealth(facts, input))
      .sort((a, b) => a.mount_point.localeCompare(b.mount_point)),
    unmeasured: input.unmeasured,
    runs: runsHealth(input),
  };
}
