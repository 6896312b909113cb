import { join } from "node:path";
import type { MetricSeries } from "../../core/metadata/run-context-model.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import { listDirectory } from "../fs/fs-memo.ts";
import type { RunFileLocations } from "./run-file-locations.ts";
import type { RunFileReader } from "./run-file-reader.ts";

function lightningSeries(reader: RunFileReader, found: RunFileLocations): MetricSeries[] {
  const csv = found.lightningLogDirs.find((dir) => dir.metricsCsv !== null)?.metricsCsv;
  const lightningEvents = found.lightningLogDirs.find((dir) => dir.eventFiles.length > 0)?.eventFiles;
  const eventFiles = lightningEvents ?? found.eventFiles;
  return [
    ...reader.series("metrics.csv", csv, "lightningCsv"),
    ...eventFiles.flatMap((file) => reader.series("events", file, "events")),
  ];
}

function trainerStateSeries(reader: RunFileReader, path: string | null | undefined): MetricSeries[] {
  const read = reader.cached(path, "trainerState");
  if (!path || read === null || read.state.points.length === 0) return [];
  return [{ source: "trainer_state.json", file: path, points: read.state.points, valuesAt: read.valuesAt }];
}

/**
 * The run files a checkpoint's metric values are taken from, in the order the assembler trusts them for the
 * same logged name: Lightning `metrics.csv` and TensorBoard events, timm `summary.csv`, Ultralytics
 * `results.csv`, the checkpoint's own HF `trainer_state.json`, the MLflow run.
 */
export function checkpointSeries(reader: RunFileReader, found: RunFileLocations): MetricSeries[] {
  const mlflow = found.mlflow === null ? null : reader.cached(found.mlflow.runDir, "mlflow");
  return [
    ...lightningSeries(reader, found),
    ...reader.series("summary.csv", found.timm?.summaryCsv, "timmCsv"),
    ...reader.series("results.csv", found.ultralytics?.resultsCsv, "ultralyticsCsv"),
    ...trainerStateSeries(reader, found.hf?.trainerState),
    ...(mlflow === null || found.mlflow === null
      ? []
      : reader.series("mlflow", found.mlflow.runDir, "mlflow")),
  ];
}

/**
 * The `trainer_state.json` of the newest `checkpoint-N` of an HF output dir: each checkpoint keeps the
 * `log_history` up to its own step, so the newest holds the run's whole curve.
 */
function newestTrainerState(reader: RunFileReader, outputDir: string): string | null {
  let newest: { step: number; path: string } | null = null;
  for (const entry of listDirectory(reader.memo, outputDir)) {
    const match = entry.isDir ? /^checkpoint-(\d+)$/.exec(entry.name) : null;
    const step = match === null ? Number.NaN : Number(match[1]);
    const path = join(outputDir, entry.name, "trainer_state.json");
    if (Number.isFinite(step) && (newest === null || step > newest.step) && reader.exists(path))
      newest = { step, path };
  }
  return newest?.path ?? null;
}

/**
 * W&B history, from what the run dir offers: the `run-<id>.wandb` transaction log (wandb ≥ 0.10), else
 * `wandb-history.jsonl` (older wandb), else the last values of `files/wandb-summary.json` (one point each).
 */
function wandbPoints(reader: RunFileReader, runDir: string): MetricPoint[] {
  const logs = listDirectory(reader.memo, runDir).filter(
    (entry) => !entry.isDir && entry.name.endsWith(".wandb"),
  );
  const history = logs.flatMap((entry) => reader.streamed(join(runDir, entry.name), "wandbLog").points());
  if (history.length > 0) return history;
  for (const path of [join(runDir, "files", "wandb-history.jsonl"), join(runDir, "wandb-history.jsonl")]) {
    const lines = reader.exists(path) ? reader.cached(path, "wandbHistory") : null;
    if (lines !== null && lines.length > 0) return lines;
  }
  const summary = join(runDir, "files", "wandb-summary.json");
  return reader.exists(summary) ? (reader.cached(summary, "wandbSummary")?.points ?? []) : [];
}

/** Position columns some loggers also log as a metric (TensorBoard's `epoch` from Lightning): not curves. */
const POSITIONS = new Set(["epoch", "step", "global_step"]);

/**
 * The run's curves: per metric name, the points of the most trusted file that logged it (Lightning writes the
 * same metrics to `metrics.csv` and TensorBoard; the first wins), so no curve is drawn twice. HF curves come from
 * the newest checkpoint's `trainer_state.json`, whichever checkpoint is being read; W&B history comes last.
 */
export function runCurvePoints(
  reader: RunFileReader,
  found: RunFileLocations,
  series: readonly MetricSeries[],
): MetricPoint[] {
  const newest = found.hf === null ? null : newestTrainerState(reader, found.hf.outputDir);
  const sources = series.map((one) =>
    one.source === "trainer_state.json" && newest !== null && newest !== one.file
      ? (trainerStateSeries(reader, newest)[0]?.points ?? one.points)
      : one.points,
  );
  if (found.wandb !== null) sources.push(wandbPoints(reader, found.wandb.runDir));
  return reader.derived(`curves:${found.runDir}`, sources, () => firstSourcePerName(sources));
}

function firstSourcePerName(sources: readonly (readonly MetricPoint[])[]): MetricPoint[] {
  const claimed = new Set<string>();
  const points: MetricPoint[] = [];
  for (const source of sources) {
    const names = new Set<string>();
    for (const point of source) {
      if (POSITIONS.has(point.name) || (claimed.has(point.name) && !names.has(point.name))) continue;
      names.add(point.name);
      points.push(point);
    }
    for (const name of names) claimed.add(name);
  }
  return points;
}
