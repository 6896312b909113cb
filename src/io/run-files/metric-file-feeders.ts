import { closeSync, type Dirent, readdirSync, readSync } from "node:fs";
import { join, relative } from "node:path";
import { assertNever } from "../../core/assert-never.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import type { CsvPointReader } from "../../core/runs/csv-point-reader.ts";
import { CsvRowStream, MAX_CSV_RECORD_CHARS } from "../../core/runs/csv-rows.ts";
import { EpochMarks } from "../../core/runs/epoch-marks.ts";
import { lightningCsvReader } from "../../core/runs/lightning-metrics-csv.ts";
import { type MetricPoint, type RunFileError, runFileError } from "../../core/runs/metric-series.ts";
import { mlflowMetricReader } from "../../core/runs/mlflow-run.ts";
import { readTensorboardEvents } from "../../core/runs/tensorboard-events.ts";
import { timmSummaryReader } from "../../core/runs/timm-summary-csv.ts";
import { ultralyticsResultsReader } from "../../core/runs/ultralytics-results-csv.ts";
import { readWandbTransactionLog } from "../../core/runs/wandb-transaction-log.ts";
import { openRegularFile, withFileByteSource } from "../checkpoint/file-byte-source.ts";

/** Metric files read as a stream: appended while training runs, so their new bytes can be read on their own. */
export const STREAMED_KINDS = [
  "lightningCsv",
  "timmCsv",
  "ultralyticsCsv",
  "events",
  "mlflow",
  "wandbLog",
] as const;
export type StreamedKind = (typeof STREAMED_KINDS)[number];

/**
 * Turns a file's bytes into points, a range at a time. `feed` reads `[from, to)` and returns where the next read
 * starts (a TensorBoard record cut short is read again once complete); a CSV's unfinished line waits inside.
 */
export type Feeder = {
  feed(range: { from: number; to: number }, add: (point: MetricPoint) => void): Result<number, RunFileError>;
  /** False when new bytes cannot simply be appended (an MLflow run is many files): read it all again. */
  readonly appends: boolean;
};

// Small pieces keep the garbage between collections small, and so the peak RSS (BENCHMARKS.md, memory budgets).
const CHUNK_BYTES = 64 * 1024;

function readError(file: string, error: unknown): RunFileError {
  const code = errorCodeOf(error) ?? String(error);
  return runFileError({ file, problem: `cannot read (${code})`, hint: "check its permissions" });
}

/** Calls `onChunk` with `[from, to)` of the file in `CHUNK_BYTES` pieces. */
function readRange(
  path: string,
  range: { from: number; to: number },
  onChunk: (bytes: Uint8Array) => boolean,
): Result<null, RunFileError> {
  // Opened without blocking and checked to be a regular file: a FIFO named `metrics.csv` is refused, not waited on.
  const opened = openRegularFile(path);
  if (!opened.success)
    return fail(runFileError({ file: path, problem: opened.error.message, hint: "ckpt goes on without it" }));
  const fd = opened.data.fd;
  try {
    const buffer = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(1, range.to - range.from)));
    for (let at = range.from; at < range.to; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, range.to - at), at);
      if (read === 0) break;
      at += read;
      if (!onChunk(buffer.subarray(0, read))) break;
    }
    return ok(null);
  } catch (error) {
    return fail(readError(path, error));
  } finally {
    closeSync(fd);
  }
}

/** A CSV dialect over a growing file: decoding, record splitting and the dialect keep their state between reads. */
function csvFeeder(path: string, reader: CsvPointReader): Feeder {
  const decoder = new TextDecoder();
  const rows = new CsvRowStream();
  let failed: RunFileError | undefined;
  const push = (text: string, add: (point: MetricPoint) => void): boolean => {
    for (const row of rows.push(text)) {
      const read = reader(row);
      if (!read.success) {
        failed = read.error;
        return false;
      }
      for (const point of read.data) add(point);
    }
    if (rows.overlong)
      failed = runFileError({
        file: path,
        problem: `a line runs past ${MAX_CSV_RECORD_CHARS} characters`,
        hint: "this is not a metrics CSV ckpt can read; check the file",
      });
    return failed === undefined;
  };
  return {
    appends: true,
    feed(range, add) {
      if (failed !== undefined) return fail(failed);
      const read = readRange(path, range, (bytes) => push(decoder.decode(bytes, { stream: true }), add));
      if (!read.success) return read;
      return failed === undefined ? ok(range.to) : fail(failed);
    },
  };
}

/**
 * TensorBoard events: records are read through a byte source, twice per range: first the `epoch` scalar (to place
 * the other points in their epoch, as `withEpochFromSeries` does), then every point.
 */
function eventsFeeder(path: string): Feeder {
  const marks = new EpochMarks();
  return {
    appends: true,
    feed(range, add) {
      const read = withFileByteSource(path, (source) => {
        readTensorboardEvents(source, { startOffset: range.from, onPoint: (point) => marks.offer(point) });
        const events = readTensorboardEvents(source, {
          startOffset: range.from,
          onPoint: (point) => add(marks.fill(point)),
        });
        return events.resumeOffset;
      });
      return read.success
        ? ok(read.data)
        : fail(runFileError({ file: path, problem: read.error.message, hint: "check the file" }));
    },
  };
}

/**
 * A W&B `run-<id>.wandb` transaction log: history records, resumed at the last complete record. Like an event
 * file, a damaged record ends the readable part (the history before it is kept).
 */
function wandbLogFeeder(path: string): Feeder {
  return {
    appends: true,
    feed(range, add) {
      const read = withFileByteSource(path, (source) =>
        readWandbTransactionLog(source, { startOffset: range.from, onPoint: add }),
      );
      if (!read.success)
        return fail(runFileError({ file: path, problem: read.error.message, hint: "check the file" }));
      if (read.data.stop.kind !== "not-a-wandb-log") return ok(read.data.resumeOffset);
      const problem = "not a W&B transaction log (no ':W&B' header)";
      return fail(runFileError({ file: path, problem, hint: "check what wrote the file" }));
    },
  };
}

function metricFilesUnder(dir: string, depth = 0): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return depth < 4 ? metricFilesUnder(path, depth + 1) : [];
    return entry.isFile() ? [path] : [];
  });
}

/** An MLflow run dir's `metrics/**` files, in path order, each streamed line by line. */
function mlflowFeeder(runDir: string): Feeder {
  return {
    appends: false,
    feed(_range, add) {
      const metricsDir = join(runDir, "metrics");
      const files = metricFilesUnder(metricsDir).sort((a, b) => (a < b ? -1 : 1));
      for (const file of files) {
        const feeder = csvFeeder(file, mlflowMetricReader(relative(metricsDir, file).split("\\").join("/")));
        const read = feeder.feed({ from: 0, to: Number.MAX_SAFE_INTEGER }, add);
        if (!read.success) return read;
      }
      return ok(0);
    },
  };
}

export function createFeeder(path: string, kind: StreamedKind): Feeder {
  switch (kind) {
    case "lightningCsv":
      return csvFeeder(path, lightningCsvReader(path));
    case "timmCsv":
      return csvFeeder(path, timmSummaryReader());
    case "ultralyticsCsv":
      return csvFeeder(path, ultralyticsResultsReader(path));
    case "events":
      return eventsFeeder(path);
    case "mlflow":
      return mlflowFeeder(path);
    case "wandbLog":
      return wandbLogFeeder(path);
    default:
      return assertNever(kind);
  }
}
