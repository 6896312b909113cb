import { basename, dirname } from "node:path";
import { parsePythonJson } from "../core/formats/hf-checkpoint-dir.ts";
import { INPUT_CAPS } from "../core/input-caps.ts";
import {
  emptyRunContext,
  type MetricSeries,
  type MetricSeriesSource,
  type RunContext,
} from "../core/metadata/run-context-model.ts";
import { fail, ok, type Result } from "../core/result.ts";
import { type HfTrainerState, parseHfTrainerState } from "../core/runs/hf-trainer-state.ts";
import { parseHydraConfig, parseHydraRuntime, parseYamlMapping } from "../core/runs/hydra-config.ts";
import { MetricAccumulator } from "../core/runs/metric-accumulator.ts";
import {
  type MetricPoint,
  type MetricTarget,
  type RunFileError,
  runFileError,
} from "../core/runs/metric-series.ts";
import { parseMlflowRun } from "../core/runs/mlflow-run.ts";
import { type FsMemo, statOrUndefined } from "./fs-memo.ts";
import type { StreamedKind } from "./metric-file-feeders.ts";
import { locateRunFiles } from "./run-dir-locator.ts";
import type { RunFileLocations } from "./run-file-locations.ts";
import { mlflowEntries, type Parse, textParser } from "./run-file-text.ts";
import { StreamedMetricFile } from "./streamed-metric-file.ts";

/**
 * Parsed run files keyed by path and (size, mtime): converting 1,000 checkpoints of one run parses its
 * `metrics.csv` once, and a file that changed is parsed again; a metric file that grew is read from where
 * reading stopped. One per process (or per command). `weight` counts the points an entry keeps.
 */
export type RunContextCache = {
  readonly parsed: Map<string, { stamp: string; value: unknown; weight: number }>;
};

/** Run files kept parsed: a scan reads a run's checkpoints together, so a few runs' worth is plenty. */
const MAX_PARSED_FILES = 256;
/** Metric points kept across all cached files (each file keeps at most 10,000 per metric). */
const MAX_CACHED_POINTS = 2_000_000;

export function createRunContextCache(): RunContextCache {
  return { parsed: new Map() };
}

function stampOf(path: string, memo: FsMemo | null): string | null {
  const stats = statOrUndefined(memo, path);
  return stats === undefined ? null : `${stats.size}:${stats.mtimeMs}`;
}

function parseJsonRecord(text: string, file: string): Result<Record<string, unknown>, RunFileError> {
  const parsed = parsePythonJson(text);
  if (
    parsed.success &&
    typeof parsed.data === "object" &&
    parsed.data !== null &&
    !Array.isArray(parsed.data)
  ) {
    return ok(parsed.data as Record<string, unknown>);
  }
  return fail(runFileError({ file, problem: "not a JSON object", hint: "fix or remove the file" }));
}

/** `trainer_state.json` (one JSON document, rewritten whole) with its `log_history` kept bounded like a stream. */
type TrainerStateRead = {
  readonly state: HfTrainerState;
  readonly valuesAt: (target: MetricTarget) => MetricPoint[];
};

function boundedTrainerState(
  state: HfTrainerState,
  targets: readonly MetricTarget[] = [],
): MetricAccumulator {
  const accumulator = new MetricAccumulator(targets);
  for (const point of state.points) accumulator.add(point);
  return accumulator;
}

const readTrainerState: Parse<TrainerStateRead> = (path) => {
  const parse = textParser(parseHfTrainerState, INPUT_CAPS.trainerState);
  const parsed = parse(path);
  if (!parsed.success) return parsed;
  let accumulator = boundedTrainerState(parsed.data);
  const valuesAt = (target: MetricTarget): MetricPoint[] => {
    const known = accumulator.valuesAt(target);
    if (known !== undefined) return known;
    const again = parse(path);
    if (!again.success) return [];
    accumulator = boundedTrainerState(again.data, [...accumulator.registeredTargets, target]);
    return accumulator.valuesAt(target) ?? [];
  };
  return ok({ state: { ...parsed.data, points: accumulator.points() }, valuesAt });
};

const parsers = {
  hydraConfig: textParser(parseHydraConfig),
  hydraJson: textParser(parseJsonRecord),
  hydraRuntime: textParser(parseHydraRuntime),
  yamlMapping: textParser(parseYamlMapping),
  jsonRecord: textParser(parseJsonRecord),
  trainerState: readTrainerState,
  mlflow: (path: string) => parseMlflowRun(mlflowEntries(path), path),
};

type ParserName = keyof typeof parsers;
type Parsed<K extends ParserName> =
  ReturnType<(typeof parsers)[K]> extends Result<infer T, RunFileError> ? T : never;

/** Least recently used goes first: the daemon keeps one cache for weeks, across any number of runs. */
function remember(
  cache: RunContextCache,
  key: string,
  entry: { stamp: string; value: unknown; weight: number },
) {
  const parsed = cache.parsed;
  parsed.delete(key);
  parsed.set(key, entry);
  let weight = 0;
  for (const kept of parsed.values()) weight += kept.weight;
  for (const [oldest, kept] of parsed) {
    if (parsed.size <= MAX_PARSED_FILES && weight <= MAX_CACHED_POINTS) break;
    if (oldest === key) break;
    parsed.delete(oldest);
    weight -= kept.weight;
  }
}

/** Builds one run context; `cached` parses each file at most once per (size, mtime). */
class RunContextReader {
  readonly problems: RunFileError[] = [];
  private readonly cache: RunContextCache;
  private readonly memo: FsMemo | null;
  constructor(cache: RunContextCache, memo: FsMemo | null) {
    this.cache = cache;
    this.memo = memo;
  }

  cached<K extends ParserName>(path: string | null | undefined, kind: K): Parsed<K> | null {
    if (!path) return null;
    const parse = parsers[kind] as Parse<Parsed<K>>;
    const stamp = stampOf(path, this.memo) ?? "missing";
    const key = `${kind}:${path}`;
    const hit = this.cache.parsed.get(key);
    const result = hit?.stamp === stamp ? (hit.value as Result<Parsed<K>, RunFileError>) : parse(path);
    remember(this.cache, key, hit?.stamp === stamp ? hit : { stamp, value: result, weight: 1 });
    if (result.success) return result.data;
    this.problems.push(result.error);
    return null;
  }

  /** A metric file kept between calls and read from where it stopped when it grew (see `StreamedMetricFile`). */
  streamed(path: string, kind: StreamedKind): StreamedMetricFile {
    const key = `${kind}:${path}`;
    const hit = this.cache.parsed.get(key)?.value;
    const file = hit instanceof StreamedMetricFile ? hit : new StreamedMetricFile(path, kind);
    if (file === hit) file.refresh();
    remember(this.cache, key, { stamp: "streamed", value: file, weight: file.points().length });
    if (file.error !== undefined) this.problems.push(file.error);
    return file;
  }

  series(source: MetricSeriesSource, path: string | null | undefined, kind: StreamedKind): MetricSeries[] {
    if (!path) return [];
    const file = this.streamed(path, kind);
    const points = file.points();
    return points.length > 0
      ? [{ source, file: path, points, valuesAt: (target) => file.valuesAt(target) }]
      : [];
  }
}

function hydraOf(reader: RunContextReader, found: RunFileLocations): RunContext["hydra"] {
  const configPath = found.configFiles[0] ?? found.hydra?.configYaml ?? null;
  if (configPath === null && !found.hydra) return null;
  const config = configPath?.endsWith(".json")
    ? reader.cached(configPath, "hydraJson")
    : reader.cached(configPath, "hydraConfig");
  return { configPath, config, runtime: reader.cached(found.hydra?.hydraYaml, "hydraRuntime") };
}

function lightningSeries(reader: RunContextReader, found: RunFileLocations): MetricSeries[] {
  const csv = found.lightningLogDirs.find((dir) => dir.metricsCsv !== null)?.metricsCsv;
  const lightningEvents = found.lightningLogDirs.find((dir) => dir.eventFiles.length > 0)?.eventFiles;
  const eventFiles = lightningEvents ?? found.eventFiles;
  return [
    ...reader.series("metrics.csv", csv, "lightningCsv"),
    ...eventFiles.flatMap((file) => reader.series("events", file, "events")),
  ];
}

/** Logger `name` of `<save_dir>/<name>/version_N`. */
function loggerNameOf(found: RunFileLocations): string | null {
  const dir = found.lightningLogDirs[0]?.dir;
  if (!dir) return null;
  return /^version_\d+$/.test(basename(dir)) ? basename(dirname(dir)) : basename(dir);
}

/** Locates, reads and parses the run files of one checkpoint into a pure `RunContext`. Never throws. */
export function loadRunContext(options: {
  readonly checkpointPath: string;
  readonly scanRoot?: string;
  readonly checkpointMtimeMs?: number;
  readonly checkpointIsDirectory?: boolean;
  readonly cache?: RunContextCache;
  /** Stats and listings shared by the checkpoints of one scan. */
  readonly memo?: FsMemo;
}): RunContext {
  let found: RunFileLocations;
  try {
    found = locateRunFiles(options);
  } catch {
    return emptyRunContext(null);
  }
  const reader = new RunContextReader(options.cache ?? createRunContextCache(), options.memo ?? null);
  const hparamsPath = found.lightningLogDirs.find((dir) => dir.hparamsYaml !== null)?.hparamsYaml ?? null;
  const hparams = reader.cached(hparamsPath, "yamlMapping");
  const mlflow = reader.cached(found.mlflow?.runDir, "mlflow");
  const series = [
    ...lightningSeries(reader, found),
    ...reader.series("summary.csv", found.timm?.summaryCsv, "timmCsv"),
    ...reader.series("results.csv", found.ultralytics?.resultsCsv, "ultralyticsCsv"),
  ];
  const trainerState = reader.cached(found.hf?.trainerState, "trainerState");
  if (trainerState && trainerState.state.points.length > 0 && found.hf?.trainerState) {
    const { state, valuesAt } = trainerState;
    series.push({
      source: "trainer_state.json",
      file: found.hf.trainerState,
      points: state.points,
      valuesAt,
    });
  }
  if (mlflow && found.mlflow) series.push(...reader.series("mlflow", found.mlflow.runDir, "mlflow"));
  return {
    runDir: found.runDir,
    hydra: hydraOf(reader, found),
    hparams: hparamsPath && hparams ? { path: hparamsPath, values: hparams } : null,
    loggerName: loggerNameOf(found),
    series,
    timmArgs: reader.cached(found.timm?.argsYaml, "yamlMapping"),
    ultralyticsArgs: reader.cached(found.ultralytics?.argsYaml, "yamlMapping"),
    hfTrainerState: trainerState?.state ?? null,
    hfConfig: reader.cached(found.hf?.configJson, "jsonRecord"),
    wandbRunId: found.wandb?.runId ?? null,
    mlflow: mlflow ? { runId: mlflow.runId, runName: mlflow.runName } : null,
    problems: reader.problems,
  };
}
