import { parsePythonJson } from "../../core/formats/python-json.ts";
import { INPUT_CAPS } from "../../core/input-caps.ts";
import type { MetricSeries, MetricSeriesSource } from "../../core/metadata/run-context-model.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { type HfTrainerState, parseHfTrainerState } from "../../core/runs/hf-trainer-state.ts";
import { parseHydraConfig, parseHydraRuntime, parseYamlMapping } from "../../core/runs/hydra-config.ts";
import { MetricAccumulator } from "../../core/runs/metric-accumulator.ts";
import {
  type MetricPoint,
  type MetricTarget,
  type RunFileError,
  runFileError,
} from "../../core/runs/metric-series.ts";
import { parseMlflowRun } from "../../core/runs/mlflow-run.ts";
import { parseWandbHistoryLines, parseWandbSummary } from "../../core/runs/wandb-run.ts";
import { type FsMemo, remember as rememberInMemo, statOrUndefined } from "../fs/fs-memo.ts";
import type { StreamedKind } from "./metric-file-feeders.ts";
import { mlflowEntries, type Parse, textParser } from "./run-file-text.ts";
import { StreamedMetricFile } from "./streamed-metric-file.ts";

/**
 * Parsed run files keyed by path and (size, mtime): converting 1,000 checkpoints of one run parses its
 * `metrics.csv` once, and a file that changed is parsed again; a metric file that grew is read from where
 * reading stopped. One per process (or per command). `weight` counts the points an entry keeps.
 */
export type RunContextCache = {
  readonly parsed: Map<string, { stamp: string; value: unknown; weight: number }>;
  /** The sum of `parsed`'s weights, kept as entries come and go (summing them on each look was per checkpoint). */
  weight: number;
};

/** Run files kept parsed: a scan reads a run's checkpoints together, so a few runs' worth is plenty. */
const MAX_PARSED_FILES = 256;
/** Metric points kept across all cached files (each file keeps at most 10,000 per metric). */
const MAX_CACHED_POINTS = 2_000_000;

export function createRunContextCache(): RunContextCache {
  return { parsed: new Map(), weight: 0 };
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
export type TrainerStateRead = {
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

/** Points kept as a stream keeps them: every point up to 10,000 per metric, then downsampled. */
function bounded(points: readonly MetricPoint[]): MetricPoint[] {
  const accumulator = new MetricAccumulator();
  for (const point of points) accumulator.add(point);
  return accumulator.points();
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
  wandbSummary: textParser(parseWandbSummary),
  wandbHistory: textParser((text) => ok(bounded(parseWandbHistoryLines(text))), INPUT_CAPS.wandbHistory),
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
  cache.weight += entry.weight - (parsed.get(key)?.weight ?? 0);
  parsed.delete(key);
  parsed.set(key, entry);
  for (const [oldest, kept] of parsed) {
    if (parsed.size <= MAX_PARSED_FILES && cache.weight <= MAX_CACHED_POINTS) break;
    if (oldest === key) break;
    parsed.delete(oldest);
    cache.weight -= kept.weight;
  }
}

/** Reads the run files of one checkpoint; `cached` parses each file at most once per (size, mtime). */
export class RunFileReader {
  readonly problems: RunFileError[] = [];
  private readonly cache: RunContextCache;
  readonly memo: FsMemo | null;
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

  /** Whether `path` is a file (through the scan's memo). */
  exists(path: string): boolean {
    return statOrUndefined(this.memo, path)?.isFile() === true;
  }

  /**
   * `compute()` once per `inputs`: the value is kept under `key` and reused while every input is the same object
   * (parsed files keep their objects until they change), so a run's checkpoints share one result.
   */
  derived<T>(key: string, inputs: readonly unknown[], compute: () => T): T {
    const hit = this.cache.parsed.get(key)?.value as { inputs: readonly unknown[]; value: T } | undefined;
    const same =
      hit !== undefined &&
      hit.inputs.length === inputs.length &&
      hit.inputs.every((input, index) => input === inputs[index]);
    const value = same ? hit.value : compute();
    const weight = Array.isArray(value) ? value.length : 1;
    remember(this.cache, key, { stamp: "derived", value: same ? hit : { inputs, value }, weight });
    return value;
  }

  /**
   * Whether a scan looks at this run file for the first time: the checkpoints of a run share one look at it, as
   * they share the memo's stats (a stat per metric file per checkpoint was 1 % of a cold scan). No memo: always.
   */
  private firstLookInScan(key: string): boolean {
    if (this.memo === null) return true;
    const seen = `looked:${key}`;
    if (this.memo.derived.has(seen)) return false;
    rememberInMemo(this.memo.derived, seen, true);
    return true;
  }

  /** A metric file kept between calls and read from where it stopped when it grew (see `StreamedMetricFile`). */
  streamed(path: string, kind: StreamedKind): StreamedMetricFile {
    const key = `${kind}:${path}`;
    const hit = this.cache.parsed.get(key)?.value;
    const file = hit instanceof StreamedMetricFile ? hit : new StreamedMetricFile(path, kind);
    if (file === hit && this.firstLookInScan(key)) file.refresh();
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
