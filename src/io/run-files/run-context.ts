import { basename, dirname } from "node:path";
import { emptyRunContext, type RunContext } from "../../core/metadata/run-context-model.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import { type FsMemo, remember } from "../fs/fs-memo.ts";
import { locateRunFiles } from "./run-dir-locator.ts";
import type { LocateRunOptions, RunFileLocations } from "./run-file-locations.ts";
import { createRunContextCache, type RunContextCache, RunFileReader } from "./run-file-reader.ts";
import { checkpointSeries, runCurvePoints } from "./run-series.ts";

function hydraOf(reader: RunFileReader, found: RunFileLocations): RunContext["hydra"] {
  const configPath = found.configFiles[0] ?? found.hydra?.configYaml ?? null;
  if (configPath === null && !found.hydra) return null;
  const config = configPath?.endsWith(".json")
    ? reader.cached(configPath, "hydraJson")
    : reader.cached(configPath, "hydraConfig");
  return { configPath, config, runtime: reader.cached(found.hydra?.hydraYaml, "hydraRuntime") };
}

/** Logger `name` of `<save_dir>/<name>/version_N`. */
function loggerNameOf(found: RunFileLocations): string | null {
  const dir = found.lightningLogDirs[0]?.dir;
  if (!dir) return null;
  return /^version_\d+$/.test(basename(dir)) ? basename(dirname(dir)) : basename(dir);
}

export type LoadRunOptions = LocateRunOptions & { readonly cache?: RunContextCache };

/** A checkpoint's run context, and the run's curves (read only when asked: `show` needs none). */
export type LoadedRun = { readonly context: RunContext; readonly curvePoints: () => MetricPoint[] };

function contextOf(reader: RunFileReader, found: RunFileLocations): RunContext {
  const hparamsPath = found.lightningLogDirs.find((dir) => dir.hparamsYaml !== null)?.hparamsYaml ?? null;
  const hparams = reader.cached(hparamsPath, "yamlMapping");
  const mlflow = reader.cached(found.mlflow?.runDir, "mlflow");
  const trainerState = reader.cached(found.hf?.trainerState, "trainerState");
  return {
    runDir: found.runDir,
    hydra: hydraOf(reader, found),
    hparams: hparamsPath && hparams ? { path: hparamsPath, values: hparams } : null,
    loggerName: loggerNameOf(found),
    series: checkpointSeries(reader, found),
    timmArgs: reader.cached(found.timm?.argsYaml, "yamlMapping"),
    ultralyticsArgs: reader.cached(found.ultralytics?.argsYaml, "yamlMapping"),
    hfTrainerState: trainerState?.state ?? null,
    hfConfig: reader.cached(found.hf?.configJson, "jsonRecord"),
    wandbRunId: found.wandb?.runId ?? null,
    mlflow: mlflow ? { runId: mlflow.runId, runName: mlflow.runName } : null,
    problems: reader.problems,
  };
}

/**
 * The context of a scan's checkpoint: one per set of run files for the whole scan (the memo's life, through which
 * each file is stat'ed and refreshed once), as every checkpoint of a run has the same files, bar its own few
 * (`<stem>.config.yaml`, an HF checkpoint's `trainer_state.json`, the W&B run its mtime picks), which are part of
 * the key. Nothing in the context depends on the checkpoint's own path. Built per checkpoint, it was ~6 % of a
 * one-thread cold scan.
 */
function sharedContext(reader: RunFileReader, found: RunFileLocations, memo: FsMemo): RunContext {
  const { checkpointPath: _own, ...runFiles } = found;
  const key = `run-context:${JSON.stringify(runFiles)}`;
  const known = memo.derived.get(key);
  if (known !== undefined) return known as RunContext;
  const context = contextOf(reader, found);
  remember(memo.derived, key, context);
  return context;
}

/**
 * `loadRunContext`, and the run's curves from the same look at its files. With `context: false` (a checkpoint
 * that cannot be read, so nothing is assembled) only the run dir is set: the run's curves do not depend on one
 * checkpoint's bytes. Never throws.
 */
export function loadRun(options: LoadRunOptions & { readonly context?: boolean }): LoadedRun {
  let found: RunFileLocations;
  try {
    found = locateRunFiles(options);
  } catch {
    return { context: emptyRunContext(null), curvePoints: () => [] };
  }
  const reader = new RunFileReader(options.cache ?? createRunContextCache(), options.memo ?? null);
  if (options.context === false) {
    const curvePoints = () => runCurvePoints(reader, found, checkpointSeries(reader, found));
    return { context: emptyRunContext(found.runDir), curvePoints };
  }
  const context = options.memo ? sharedContext(reader, found, options.memo) : contextOf(reader, found);
  return { context, curvePoints: () => runCurvePoints(reader, found, context.series) };
}

/** Locates, reads and parses the run files of one checkpoint into a pure `RunContext`. Never throws. */
export function loadRunContext(options: LoadRunOptions): RunContext {
  return loadRun(options).context;
}

/**
 * Only the run's curves (for a checkpoint read from its sidecar, whose metadata needs no run files): the run dir
 * and its points, or null when the run files cannot be located. Never throws.
 */
export function loadRunCurves(options: LoadRunOptions): { runDir: string; points: MetricPoint[] } | null {
  try {
    const found = locateRunFiles(options);
    const reader = new RunFileReader(options.cache ?? createRunContextCache(), options.memo ?? null);
    return { runDir: found.runDir, points: runCurvePoints(reader, found, checkpointSeries(reader, found)) };
  } catch {
    return null;
  }
}
