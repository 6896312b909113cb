import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import { createFsMemo } from "../fs/fs-memo.ts";
import { turnOfEventLoop } from "../process/loop-turns.ts";
import { createRunContextCache } from "../run-files/run-file-reader.ts";
import { type ReadResult, readBatch } from "./catalog-read-batch.ts";
import { fromWire, type WireResult } from "./catalog-read-wire.ts";
import type { CheckpointLocation } from "./checkpoint-location.ts";
import type { AssembleCheckpoint } from "./index-one.ts";
import type { ReadWorkers } from "./read-workers.ts";

/** A batch holds at most this many reads, and ends where its directory ends once it holds `MIN_BATCH`. */
const BATCH_SIZE = 128;
const MIN_BATCH = 32;
/** Batches in flight per worker: a batch (32–128 reads) outlasts the main thread's 500-row commit (~8 ms). */
const IN_FLIGHT = 2;

export type ReadPoolOptions = {
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  readonly assemble: AssembleCheckpoint;
  /** Worker threads besides the main one, started by the caller (they use the default assembler). */
  readonly workers: ReadWorkers;
  /** Called with each batch of results, in completion order. */
  readonly onResults: (results: readonly ReadResult[]) => void;
  /** Once aborted, no batch is started: the pool ends after the batches in flight. */
  readonly signal?: AbortSignal | undefined;
};

/** Feeds batches to one worker, `IN_FLIGHT` at a time, until the queue is empty; a failing worker hands its batches back. */
function drive(worker: Worker, queue: CheckpointLocation[][], options: ReadPoolOptions): Promise<void> {
  return new Promise((resolve) => {
    const inFlight: CheckpointLocation[][] = [];
    const send = () => {
      const batch = options.signal?.aborted === true ? undefined : queue.shift();
      if (batch === undefined) {
        if (inFlight.length === 0) resolve();
        return;
      }
      inFlight.push(batch);
      worker.postMessage({ items: batch, sidecars: options.sidecars });
    };
    worker.onmessage = (event: MessageEvent<WireResult[]>) => {
      inFlight.shift();
      options.onResults(event.data.map(fromWire));
      send();
    };
    worker.onerror = (event) => {
      options.workers.fail(worker, event);
      queue.push(...inFlight.splice(0));
      resolve();
    };
    // Stopping: the batches in flight are not waited for; the caller terminates the worker.
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
    // More than one in flight: the main thread also reads, and commits 500 rows at a time (~8 ms); with one, the
    // worker sat idle through every commit. Not more than two: the last ones in flight are the scan's tail.
    for (let queued = 0; queued < IN_FLIGHT; queued++) send();
  });
}

function directoryOf(location: CheckpointLocation): string {
  const path = location.file.path;
  return path.slice(0, path.lastIndexOf("/"));
}

/**
 * The items in walk order, cut where the directory changes (once a batch holds `MIN_BATCH`) or a batch is full: a
 * directory's checkpoints usually share a run, and each thread parses the run files of the runs it reads, so a run
 * cut into batches of 32 went to both threads and was parsed twice. Small directories still share a batch.
 */
export function batchesByDirectory(items: readonly CheckpointLocation[]): CheckpointLocation[][] {
  const queue: CheckpointLocation[][] = [];
  let batch: CheckpointLocation[] = [];
  let directory: string | null = null;
  for (const item of items) {
    const own = directoryOf(item);
    if (batch.length >= BATCH_SIZE || (own !== directory && batch.length >= MIN_BATCH)) {
      queue.push(batch);
      batch = [];
    }
    directory = own;
    batch.push(item);
  }
  if (batch.length > 0) queue.push(batch);
  return queue;
}

/**
 * Reads every item, on the main thread and on `cores − 1` workers when there is enough work (both cores of a
 * 2-vCPU box). Results arrive through `onResults`; the main thread yields between its batches to receive them.
 */
export async function readInPool(
  items: readonly CheckpointLocation[],
  options: ReadPoolOptions,
): Promise<void> {
  const queue = batchesByDirectory(items);
  options.workers.grow(items.length);
  const workers = options.workers.workers;
  const driven = Promise.all(workers.map((worker) => drive(worker, queue, options)));
  const sentRuns = new Set<string>();
  const readOptions = {
    sidecars: options.sidecars,
    now: options.now,
    assemble: options.assemble,
    sentRuns,
    memo: createFsMemo(),
    runCache: createRunContextCache(),
    signal: options.signal,
  };
  for (;;) {
    const batch = options.signal?.aborted === true ? undefined : queue.shift();
    if (batch === undefined) break;
    options.onResults(await readBatch(batch, readOptions));
    await turnOfEventLoop();
  }
  await driven;
  options.workers.terminate();
  // Batches handed back by a failed worker.
  for (
    let batch = queue.shift();
    batch !== undefined && options.signal?.aborted !== true;
    batch = queue.shift()
  ) {
    options.onResults(await readBatch(batch, readOptions));
  }
}
