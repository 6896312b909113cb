import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import { createFsMemo } from "../fs/fs-memo.ts";
import { turnOfEventLoop } from "../process/loop-turns.ts";
import { createRunContextCache } from "../run-files/run-file-reader.ts";
import { type ReadBatchOptions, type ReadResult, readBatch } from "./catalog-read-batch.ts";
import { fromWire, type WireResult } from "./catalog-read-wire.ts";
import type { CheckpointLocation } from "./checkpoint-location.ts";
import type { AssembleCheckpoint } from "./index-one.ts";
import { ReadFeed } from "./read-feed.ts";
import type { ReadWorkers } from "./read-workers.ts";

/**
 * Batches in flight per worker: a batch (32–128 reads) outlasts the main thread's 500-row commit (~8 ms). More than
 * one: the main thread also reads and commits; with one, the worker sat idle through every commit. Not more than
 * two: the last ones in flight are the scan's tail.
 */
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

/**
 * Feeds batches to one worker, `IN_FLIGHT` at a time, until the feed is closed and empty; a failing worker hands
 * its batches back. Stopping (`signal`), the batches in flight are not waited for: the caller terminates the worker.
 */
function drive(worker: Worker, feed: ReadFeed, options: ReadPoolOptions): Promise<void> {
  return new Promise((resolve) => {
    const inFlight: CheckpointLocation[][] = [];
    let waiting = false;
    const fill = () => {
      while (inFlight.length < IN_FLIGHT && send());
    };
    const send = (): boolean => {
      const batch = options.signal?.aborted === true ? undefined : feed.next();
      if (batch === undefined) {
        const more = options.signal?.aborted !== true && !feed.closed;
        if (!more && inFlight.length === 0) resolve();
        // The walk is still adding reads: ask again when it has.
        if (more && !waiting) {
          waiting = true;
          feed.whenMore(() => {
            waiting = false;
            fill();
          });
        }
        return false;
      }
      inFlight.push(batch);
      worker.postMessage({ items: batch, sidecars: options.sidecars });
      return true;
    };
    worker.onmessage = (event: MessageEvent<WireResult[]>) => {
      inFlight.shift();
      options.onResults(event.data.map(fromWire));
      fill();
    };
    worker.onerror = (event) => {
      options.workers.fail(worker, event);
      feed.requeue(inFlight.splice(0));
      resolve();
    };
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
    fill();
  });
}

/**
 * Reads checkpoints on the main thread and on `cores − 1` workers when there is enough work (both cores of a
 * 2-vCPU box). Reads can be added while the workers read (`add`); the main thread joins in `finish`, once
 * everything is added. Results arrive through `onResults`; the main thread yields between its batches to
 * receive them.
 */
export class ReadPool {
  private readonly feed = new ReadFeed();
  private readonly driven = new Map<Worker, Promise<void>>();
  private readonly options: ReadPoolOptions;

  constructor(options: ReadPoolOptions) {
    this.options = options;
  }

  /** Reads added so far. */
  get added(): number {
    return this.feed.added;
  }

  /** Queues reads; the workers start on them at once (started when there are enough, as `ReadWorkers.grow` says). */
  add(items: readonly CheckpointLocation[]): void {
    if (items.length === 0) return;
    this.feed.add(items);
    this.options.workers.grow(this.feed.added);
    this.driveStarted();
  }

  private driveStarted(): void {
    for (const worker of this.options.workers.workers) {
      if (!this.driven.has(worker)) this.driven.set(worker, drive(worker, this.feed, this.options));
    }
  }

  /** Nothing more will be added: the main thread reads with the workers until every read is done. */
  async finish(): Promise<void> {
    const { options, feed } = this;
    feed.close();
    this.driveStarted();
    const readOptions = mainThreadReads(options);
    const readQueued = async () => {
      for (let batch = feed.next(); batch !== undefined && options.signal?.aborted !== true; ) {
        options.onResults(await readBatch(batch, readOptions));
        await turnOfEventLoop();
        batch = feed.next();
      }
    };
    await readQueued();
    await Promise.all(this.driven.values());
    options.workers.terminate();
    // Batches handed back by a failed worker.
    await readQueued();
  }
}

function mainThreadReads(options: ReadPoolOptions): ReadBatchOptions {
  return {
    sidecars: options.sidecars,
    now: options.now,
    assemble: options.assemble,
    sentRuns: new Set<string>(),
    memo: createFsMemo(),
    runCache: createRunContextCache(),
    signal: options.signal,
  };
}

/** Reads every item (see `ReadPool`). */
export async function readInPool(
  items: readonly CheckpointLocation[],
  options: ReadPoolOptions,
): Promise<void> {
  const pool = new ReadPool(options);
  pool.add(items);
  await pool.finish();
}
