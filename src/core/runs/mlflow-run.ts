import { z } from "zod";
import { fail, ok, type Result } from "../result.ts";
import { type CsvPointReader, collectCsvPoints } from "./csv-point-reader.ts";
import { parseYamlMapping } from "./hydra-config.ts";
import { MetricPoint, parsePythonFloat, type RunFileError, runFileError } from "./metric-series.ts";

/** `mlflow/protos/service.proto RunStatus`, as the file store writes it (an int). */
export const MLFLOW_RUN_STATUSES = {
  1: "RUNNING",
  2: "SCHEDULED",
  3: "FINISHED",
  4: "FAILED",
  5: "KILLED",
} as const;
export type MlflowRunStatus = (typeof MLFLOW_RUN_STATUSES)[keyof typeof MLFLOW_RUN_STATUSES];

/** One file of a run directory, read by the io layer: `relativePath` is posix, relative to the run dir. */
export type MlflowRunEntry = { readonly relativePath: string; readonly text: string };

export const MlflowRun = z.object({
  runId: z.string().nullable(),
  runName: z.string().nullable(),
  experimentId: z.string().nullable(),
  status: z.enum(["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]).nullable(),
  /** Milliseconds since the Unix epoch. */
  startTime: z.number().nullable(),
  endTime: z.number().nullable(),
  artifactUri: z.string().nullable(),
  lifecycleStage: z.string().nullable(),
  /** Raw strings as logged; keys with `/` are nested directories on disk. */
  params: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  /** Every logged point, per key in file order; `wallTime` is the timestamp in seconds. */
  points: z.array(MetricPoint),
});
export type MlflowRun = z.infer<typeof MlflowRun>;

/** Experiment `meta.yaml`. */
export const MlflowExperiment = z.object({
  experimentId: z.string().nullable(),
  name: z.string().nullable(),
  artifactLocation: z.string().nullable(),
  lifecycleStage: z.string().nullable(),
});
export type MlflowExperiment = z.infer<typeof MlflowExperiment>;

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

function metricLine(line: string, key: string): MetricPoint[] {
  const fields = line.trim().split(" ");
  if (fields.length < 2 || fields.length > 3) return [];
  const timestamp = Number(fields[0]);
  const value = parsePythonFloat(fields[1] ?? "");
  const step = fields.length === 3 ? Number(fields[2]) : 0;
  if (!Number.isInteger(timestamp) || value === undefined || !Number.isInteger(step)) return [];
  return [{ name: key, step, epoch: null, value, wallTime: timestamp / 1000 }];
}

/**
 * One `metrics/<key>` file, a line at a time: `<timestamp_ms> <value> <step>` (old files: 2 fields, step 0).
 * The file is appended while a run is live, so a last line without its newline is ignored; malformed lines are
 * skipped. Lines have no commas or quotes, so they arrive as one-cell CSV records.
 */
export function mlflowMetricReader(key: string): CsvPointReader {
  return (row) => ok(metricLine(row.cells.join(","), key));
}

/** A whole `metrics/<key>` file (see `mlflowMetricReader`). */
export function parseMlflowMetricFile(text: string, key: string): MetricPoint[] {
  const read = collectCsvPoints(text, mlflowMetricReader(key));
  return read.success ? read.data : [];
}

/** The int the file store writes (or the name the SQLite store uses) → the status name. */
function statusOf(code: unknown): MlflowRunStatus | null {
  for (const [number, name] of Object.entries(MLFLOW_RUN_STATUSES)) {
    if (code === Number(number) || code === name) return name;
  }
  return null;
}

function runFromMeta(meta: Record<string, unknown>): Omit<MlflowRun, "params" | "tags" | "points"> {
  return {
    runId: stringOrNull(meta["run_id"] ?? meta["run_uuid"]),
    runName: stringOrNull(meta["run_name"]),
    experimentId: stringOrNull(meta["experiment_id"]),
    status: statusOf(meta["status"]),
    startTime: numberOrNull(meta["start_time"]),
    endTime: numberOrNull(meta["end_time"]),
    artifactUri: stringOrNull(meta["artifact_uri"]),
    lifecycleStage: stringOrNull(meta["lifecycle_stage"]),
  };
}

function keyUnder(relativePath: string, folder: string): string | undefined {
  return relativePath.startsWith(`${folder}/`) ? relativePath.slice(folder.length + 1) : undefined;
}

/**
 * An MLflow file-store run from its files (`meta.yaml`, `metrics/**`, `params/**`, `tags/**`; others ignored).
 * A run without `meta.yaml` still yields its metrics/params/tags, with null run fields.
 */
export function parseMlflowRun(
  entries: readonly MlflowRunEntry[],
  runDir: string,
): Result<MlflowRun, RunFileError> {
  const metaEntry = entries.find((entry) => entry.relativePath === "meta.yaml");
  const meta = metaEntry === undefined ? ok({}) : parseYamlMapping(metaEntry.text, `${runDir}/meta.yaml`);
  if (!meta.success) return meta;
  const params: Record<string, string> = {};
  const tags: Record<string, string> = {};
  const points: MetricPoint[] = [];
  for (const entry of [...entries].sort((left, right) => (left.relativePath < right.relativePath ? -1 : 1))) {
    const metric = keyUnder(entry.relativePath, "metrics");
    const param = keyUnder(entry.relativePath, "params");
    const tag = keyUnder(entry.relativePath, "tags");
    if (metric !== undefined) points.push(...parseMlflowMetricFile(entry.text, metric));
    if (param !== undefined) params[param] = entry.text;
    if (tag !== undefined) tags[tag] = entry.text;
  }
  return ok({ ...runFromMeta(meta.data), params, tags, points });
}

/** Experiment `meta.yaml` (`mlruns/<experiment_id>/meta.yaml`). */
export function parseMlflowExperimentMeta(
  text: string,
  file: string,
): Result<MlflowExperiment, RunFileError> {
  const meta = parseYamlMapping(text, file);
  if (!meta.success) return meta;
  if (Object.keys(meta.data).length === 0) {
    return fail(
      runFileError({ file, problem: "empty experiment meta.yaml", hint: "pass mlruns/<id>/meta.yaml" }),
    );
  }
  return ok({
    experimentId: stringOrNull(meta.data["experiment_id"]),
    name: stringOrNull(meta.data["name"]),
    artifactLocation: stringOrNull(meta.data["artifact_location"]),
    lifecycleStage: stringOrNull(meta.data["lifecycle_stage"]),
  });
}
