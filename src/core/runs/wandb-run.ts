import { z } from "zod";
import { parsePythonJson } from "../formats/python-json.ts";
import { fail, ok, type Result } from "../result.ts";
import { parseYamlMapping } from "./hydra-config.ts";
import { MetricPoint, type RunFileError, runFileError } from "./metric-series.ts";
import { historyRowPoints } from "./wandb-transaction-log.ts";

/** A local W&B run directory name: `run-<YYYYMMDD_HHMMSS>-<id>` or `offline-run-…`. */
export const WandbRunDirName = z.object({
  mode: z.enum(["online", "offline"]),
  /** Start time as written, in the training machine's **local** time (no zone): the io layer converts it. */
  start: z.object({
    year: z.number().int(),
    month: z.number().int(),
    day: z.number().int(),
    hour: z.number().int(),
    minute: z.number().int(),
    second: z.number().int(),
  }),
  runId: z.string(),
});
export type WandbRunDirName = z.infer<typeof WandbRunDirName>;

const RUN_DIR_NAME = /^(offline-)?run-(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})-(.+)$/;

/** Parses a run dir's base name; undefined for anything else (`latest-run`, `debug.log`, …). */
export function parseWandbRunDirName(name: string): WandbRunDirName | undefined {
  const match = RUN_DIR_NAME.exec(name);
  if (match === null) return undefined;
  const [, offline, year, month, day, hour, minute, second, runId] = match;
  return {
    mode: offline === undefined ? "online" : "offline",
    start: {
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second),
    },
    runId: runId ?? "",
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `files/config.yaml` in either dialect → the user config as plain values. Legacy (`wandb_version: 1`, each key
 * `{desc, value}`) and wandb-core (`{value}`) both unwrap `.value`; `wandb_version` and `_wandb` (telemetry) are
 * dropped.
 */
export function parseWandbConfig(text: string, file: string): Result<Record<string, unknown>, RunFileError> {
  const parsed = parseYamlMapping(text, file);
  if (!parsed.success) return parsed;
  const config: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(parsed.data)) {
    if (key === "wandb_version" || key === "_wandb") continue;
    config[key] = isRecord(node) && "value" in node ? node["value"] : node;
  }
  return ok(config);
}

function parseJsonObject(text: string, file: string): Result<Record<string, unknown>, RunFileError> {
  const parsed = parsePythonJson(text);
  if (!parsed.success) {
    const problem = `not valid JSON (${parsed.error.message})`;
    return fail(
      runFileError({ file, problem, hint: "W&B writes it at run end; retry once the run has finished" }),
    );
  }
  if (isRecord(parsed.data)) return ok(parsed.data);
  return fail(
    runFileError({ file, problem: "top level is not a JSON object", hint: "pass the file W&B wrote" }),
  );
}

/** `files/wandb-summary.json`: latest value per key; numbers also as points at `_step`. */
export const WandbSummary = z.object({
  values: z.record(z.string(), z.unknown()),
  step: z.number().int().nullable(),
  runtimeSeconds: z.number().nullable(),
  /** `_timestamp`: seconds since the Unix epoch of the last update. */
  timestamp: z.number().nullable(),
  points: z.array(MetricPoint),
});
export type WandbSummary = z.infer<typeof WandbSummary>;

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

/**
 * `files/wandb-summary.json` (bare `NaN`/`Infinity` accepted). Keys starting with `_` are W&B's own; media values
 * (`{_type: …}`) stay in `values` but make no point. Points are placed as history rows are (`historyRowPoints`:
 * the framework's global step when logged, else `_step`; `epoch` when logged).
 */
export function parseWandbSummary(text: string, file: string): Result<WandbSummary, RunFileError> {
  const parsed = parseJsonObject(text, file);
  if (!parsed.success) return parsed;
  const values = parsed.data;
  const stepValue = numberOrNull(values["_step"]);
  const step = stepValue !== null && Number.isInteger(stepValue) ? stepValue : null;
  const numbers = new Map<string, number>();
  for (const [name, value] of Object.entries(values)) if (typeof value === "number") numbers.set(name, value);
  return ok({
    values,
    step,
    runtimeSeconds: numberOrNull(values["_runtime"]),
    timestamp: numberOrNull(values["_timestamp"]),
    points: historyRowPoints(numbers, null),
  });
}

/** `files/wandb-metadata.json`: the environment record; its field set varies by wandb version, so it stays loose. */
export function parseWandbMetadata(
  text: string,
  file: string,
): Result<Record<string, unknown>, RunFileError> {
  return parseJsonObject(text, file);
}

/**
 * `wandb-history.jsonl` (wandb before 0.10 kept history as JSON Lines beside the run): one row per line, placed
 * as `historyRowPoints` places `.wandb` history rows. A line cut short (appended while the run lives) is skipped.
 */
export function parseWandbHistoryLines(text: string): MetricPoint[] {
  return text.split("\n").flatMap((line) => {
    const parsed = line.trim() === "" ? undefined : parsePythonJson(line);
    if (!parsed?.success || !isRecord(parsed.data)) return [];
    const values = new Map<string, number>();
    for (const [key, value] of Object.entries(parsed.data))
      if (typeof value === "number") values.set(key, value);
    return historyRowPoints(values, null);
  });
}
