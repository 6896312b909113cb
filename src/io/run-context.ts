import { readdirSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { parsePythonJson } from "../core/formats/hf-checkpoint-dir.ts";
import {
  emptyRunContext,
  type MetricSeries,
  type MetricSeriesSource,
  type RunContext,
} from "../core/metadata/run-context-model.ts";
import { fail, ok, type Result } from "../core/result.ts";
import { parseHfTrainerState } from "../core/runs/hf-trainer-state.ts";
import { parseHydraConfig, parseHydraRuntime, parseYamlMapping } from "../core/runs/hydra-config.ts";
import { parseLightningMetricsCsv } from "../core/runs/lightning-metrics-csv.ts";
import {
  type MetricPoint,
  type RunFileError,
  runFileError,
  withEpochFromSeries,
} from "../core/runs/metric-series.ts";
import { type MlflowRunEntry, parseMlflowRun } from "../core/runs/mlflow-run.ts";
import { readTensorboardEvents } from "../core/runs/tensorboard-events.ts";
import { parseTimmSummaryCsv } from "../core/runs/timm-summary-csv.ts";
import { parseUltralyticsResultsCsv } from "../core/runs/ultralytics-results-csv.ts";
import { readRegularFileText, withFileByteSource } from "./file-byte-source.ts";
import { type FsMemo, statOrUndefined } from "./fs-memo.ts";
import { locateRunFiles } from "./run-dir-locator.ts";
import type { RunFileLocations } from "./run-file-locations.ts";

/**
 * Parsed run files keyed by path and (size, mtime): converting 1,000 checkpoints of one run parses its
 * `metrics.csv` once, and a file that changed is parsed again. One per process (or per command).
 */
export type RunContextCache = { readonly parsed: Map<string, { stamp: string; value: unknown }> };

/** Run files kept parsed: a scan reads a run's checkpoints together, so a few runs' worth is plenty. */
const MAX_PARSED_FILES = 256;

export function createRunContextCache(): RunContextCache {
  return { parsed: new Map() };
}

type Parse<T> = (path: string) => Result<T, RunFileError>;

function stampOf(path: string, memo: FsMemo | null): string | null {
  const stats = statOrUndefined(memo, path);
  return stats === undefined ? null : `${stats.size}:${stats.mtimeMs}`;
}

function readText(path: string): Result<string, RunFileError> {
  // Opened without blocking and checked to be a regular file: a FIFO named `metrics.csv` is refused, not waited on.
  const text = readRegularFileText(path);
  return text.success ? text : fail({ file: path, message: text.error.message });
}

function textParser<T>(parse: (text: string, file: string) => Result<T, RunFileError>): Parse<T> {
  return (path) => {
    const text = readText(path);
    return text.success ? parse(text.data, path) : text;
  };
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

const readEvents: Parse<MetricPoint[]> = (path) => {
  const read = withFileByteSource(path, (source) => readTensorboardEvents(source).points);
  if (read.success) return ok(withEpochFromSeries(read.data));
  return fail(runFileError({ file: path, problem: read.error.message, hint: "check the file" }));
};

function mlflowEntries(runDir: string): MlflowRunEntry[] {
  const entries: MlflowRunEntry[] = [];
  const visit = (dir: string, depth: number) => {
    for (const entry of safeList(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < 4 && entry.name !== "artifacts") visit(path, depth + 1);
      else if (entry.isFile()) {
        const text = readText(path);
        if (text.success) entries.push({ relativePath: relative(runDir, path), text: text.data });
      }
    }
  };
  visit(runDir, 0);
  return entries;
}

function safeList(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

const parsers = {
  hydraConfig: textParser(parseHydraConfig),
  hydraJson: textParser(parseJsonRecord),
  hydraRuntime: textParser(parseHydraRuntime),
  yamlMapping: textParser(parseYamlMapping),
  jsonRecord: textParser(parseJsonRecord),
  lightningCsv: textParser(parseLightningMetricsCsv),
  timmCsv: textParser(parseTimmSummaryCsv),
  ultralyticsCsv: textParser(parseUltralyticsResultsCsv),
  trainerState: textParser(parseHfTrainerState),
  events: readEvents,
  mlflow: (path: string) => parseMlflowRun(mlflowEntries(path), path),
};

type ParserName = keyof typeof parsers;
type Parsed<K extends ParserName> =
  ReturnType<(typeof parsers)[K]> extends Result<infer T, RunFileError> ? T : never;

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
    const parsed = this.cache.parsed;
    const hit = parsed.get(key);
    const result = hit?.stamp === stamp ? (hit.value as Result<Parsed<K>, RunFileError>) : parse(path);
    // Least recently used goes first: the daemon keeps one cache for weeks, across any number of runs.
    parsed.delete(key);
    parsed.set(key, hit?.stamp === stamp ? hit : { stamp, value: result });
    if (parsed.size > MAX_PARSED_FILES) parsed.delete(parsed.keys().next().value ?? key);
    if (result.success) return result.data;
    this.problems.push(result.error);
    return null;
  }

  series(
    source: MetricSeriesSource,
    path: string | null | undefined,
    kind: "lightningCsv" | "timmCsv" | "ultralyticsCsv" | "events",
  ): MetricSeries[] {
    const points = this.cached(path, kind);
    return path && points && points.length > 0 ? [{ source, file: path, points }] : [];
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
  if (trainerState && trainerState.points.length > 0 && found.hf?.trainerState) {
    series.push({ source: "trainer_state.json", file: found.hf.trainerState, points: trainerState.points });
  }
  if (mlflow && mlflow.points.length > 0 && found.mlflow) {
    series.push({ source: "mlflow", file: found.mlflow.runDir, points: mlflow.points });
  }
  return {
    runDir: found.runDir,
    hydra: hydraOf(reader, found),
    hparams: hparamsPath && hparams ? { path: hparamsPath, values: hparams } : null,
    loggerName: loggerNameOf(found),
    series,
    timmArgs: reader.cached(found.timm?.argsYaml, "yamlMapping"),
    ultralyticsArgs: reader.cached(found.ultralytics?.argsYaml, "yamlMapping"),
    hfTrainerState: trainerState,
    hfConfig: reader.cached(found.hf?.configJson, "jsonRecord"),
    wandbRunId: found.wandb?.runId ?? null,
    mlflow: mlflow ? { runId: mlflow.runId, runName: mlflow.runName } : null,
    problems: reader.problems,
  };
}
