import type { CheckpointLocation } from "./checkpoint-location.ts";

/** A batch holds at most this many reads, and ends where its directory ends once it holds `MIN_BATCH`. */
const BATCH_SIZE = 128;
const MIN_BATCH = 32;

function directoryOf(location: CheckpointLocation): string {
  const path = location.file.path;
  return path.slice(0, path.lastIndexOf("/"));
}

/**
 * The reads of a scan as batches, in the order they are added, cut where the directory changes (once a batch holds
 * `MIN_BATCH`) or a batch is full: a directory's checkpoints usually share a run, and each thread parses the run
 * files of the runs it reads, so a run cut into batches of 32 went to both threads and was parsed twice. Small
 * directories still share a batch. Reads can be added while the readers take batches (the walk of an empty
 * catalog adds each directory's as it is listed); a reader that finds none waits for more or for `close`.
 */
export class ReadFeed {
  private readonly queue: CheckpointLocation[][] = [];
  private batch: CheckpointLocation[] = [];
  private directory: string | null = null;
  private waiting: (() => void)[] = [];
  private isClosed = false;
  /** Reads added so far. */
  added = 0;

  add(items: readonly CheckpointLocation[]): void {
    for (const item of items) {
      const own = directoryOf(item);
      if (this.batch.length >= BATCH_SIZE || (own !== this.directory && this.batch.length >= MIN_BATCH))
        this.cut();
      this.directory = own;
      this.batch.push(item);
    }
    this.added += items.length;
    // Added a directory at a time during the walk: a batch as full as a cut would make is not held back.
    if (this.batch.length >= MIN_BATCH) this.cut();
  }

  /** Batches a failed reader had taken, read by another. */
  requeue(batches: readonly CheckpointLocation[][]): void {
    this.queue.push(...batches);
    this.wake();
  }

  /** No more reads will be added. */
  close(): void {
    if (this.batch.length > 0) this.cut();
    this.isClosed = true;
    this.wake();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The next batch, or undefined when none is ready (see `closed`, `whenMore`). */
  next(): CheckpointLocation[] | undefined {
    return this.queue.shift();
  }

  /** Called once, when a batch is ready or the feed is closed. */
  whenMore(wake: () => void): void {
    if (this.queue.length > 0 || this.isClosed) wake();
    else this.waiting.push(wake);
  }

  private cut(): void {
    this.queue.push(this.batch);
    this.batch = [];
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}

/** The batches `ReadFeed` makes of `items` added at once. */
export function batchesByDirectory(items: readonly CheckpointLocation[]): CheckpointLocation[][] {
  const feed = new ReadFeed();
  feed.add(items);
  feed.close();
  const batches: CheckpointLocation[][] = [];
  for (let batch = feed.next(); batch !== undefined; batch = feed.next()) batches.push(batch);
  return batches;
}
