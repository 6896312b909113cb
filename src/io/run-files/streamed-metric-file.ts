import { closeSync, readSync, statSync } from "node:fs";
import { MetricAccumulator } from "../../core/runs/metric-accumulator.ts";
import type { MetricPoint, MetricTarget, RunFileError } from "../../core/runs/metric-series.ts";
import { openRegularFile } from "../checkpoint/file-byte-source.ts";
import { fsPath } from "../fs/fs-path.ts";
import { createFeeder, type Feeder, type StreamedKind } from "./metric-file-feeders.ts";

// A rewrite (Lightning rewrites metrics.csv whole when a column appears) changes the head or the bytes already
// read; comparing this much of both catches it without reading the file again.
const CHECK_BYTES = 4096;

function readBytes(path: string, offset: number, length: number): Uint8Array | undefined {
  const opened = openRegularFile(path);
  if (!opened.success) return undefined;
  const fd = opened.data.fd;
  try {
    const out = new Uint8Array(Math.max(0, length));
    const read = readSync(fd, out, 0, out.length, offset);
    return out.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function sameBytes(left: Uint8Array | undefined, right: Uint8Array | undefined): boolean {
  if (left === undefined || right === undefined || left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false;
  return true;
}

type Stamp = { readonly size: number; readonly mtimeMs: number };

function stampOf(path: string): Stamp | undefined {
  try {
    const stats = statSync(fsPath(path));
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * One metric file (or MLflow run) read as a stream into a `MetricAccumulator`, kept between looks: a file that
 * grew is read from where reading stopped; one that shrank, or whose head or last-read bytes changed, is read
 * again from the start. Memory is bounded by the accumulator, never by the file (a 40 MB metrics.csv of 1.57M
 * steps used to cost 2 GB per scan).
 */
export class StreamedMetricFile {
  readonly path: string;
  readonly kind: StreamedKind;
  private feeder: Feeder;
  private accumulator: MetricAccumulator;
  private offset = 0;
  private stamp: Stamp | undefined;
  private head: Uint8Array | undefined;
  private lastRead: Uint8Array | undefined;
  private kept: MetricPoint[] | undefined;
  error: RunFileError | undefined;

  constructor(path: string, kind: StreamedKind) {
    this.path = path;
    this.kind = kind;
    this.feeder = createFeeder(path, kind);
    this.accumulator = new MetricAccumulator();
    this.readFrom(0);
  }

  /** Bytes of the file fed to the parser over this object's life: a file that grew costs only its new bytes. */
  bytesRead = 0;

  /** Reads what changed since the last look; returns whether anything did. */
  refresh(): boolean {
    const stamp = stampOf(this.path);
    if (stamp?.size === this.stamp?.size && stamp?.mtimeMs === this.stamp?.mtimeMs) return false;
    if (!this.canAppend(stamp)) this.restart(this.accumulator.registeredTargets);
    else this.readFrom(this.offset);
    return true;
  }

  private canAppend(stamp: Stamp | undefined): boolean {
    if (!this.feeder.appends || this.error !== undefined || stamp === undefined) return false;
    if (stamp.size < this.offset) return false;
    const headLength = this.head?.length ?? 0;
    const windowStart = Math.max(0, this.offset - CHECK_BYTES);
    return (
      sameBytes(this.head, readBytes(this.path, 0, headLength)) &&
      sameBytes(this.lastRead, readBytes(this.path, windowStart, this.offset - windowStart))
    );
  }

  private restart(targets: readonly MetricTarget[]): void {
    this.feeder = createFeeder(this.path, this.kind);
    this.accumulator = new MetricAccumulator(targets);
    this.offset = 0;
    this.error = undefined;
    this.readFrom(0);
  }

  private readFrom(from: number): void {
    this.kept = undefined;
    this.stamp = stampOf(this.path);
    const to = this.stamp?.size ?? 0;
    const accumulator = this.accumulator;
    const fed = this.feeder.feed({ from, to }, (point) => accumulator.add(point));
    this.bytesRead += Math.max(0, to - from);
    if (!fed.success) {
      this.error = fed.error;
      return;
    }
    this.offset = fed.data;
    this.head = readBytes(this.path, 0, Math.min(CHECK_BYTES, this.offset));
    const windowStart = Math.max(0, this.offset - CHECK_BYTES);
    this.lastRead = readBytes(this.path, windowStart, this.offset - windowStart);
  }

  /** The bounded series (every point of a metric up to 10,000, then a downsampled one), in file order. */
  points(): MetricPoint[] {
    this.kept ??= this.error === undefined ? this.accumulator.points() : [];
    return this.kept;
  }

  /** `metricsAtStep` over every point ever read, exactly; the file is read again only for an unforeseen target. */
  valuesAt(target: MetricTarget): MetricPoint[] {
    if (this.error !== undefined) return [];
    const known = this.accumulator.valuesAt(target);
    if (known !== undefined) return known;
    this.restart([...this.accumulator.registeredTargets, target]);
    return this.accumulator.valuesAt(target) ?? [];
  }
}
