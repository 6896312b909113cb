import type { Database } from "bun:sqlite";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { lacksSidecar } from "../../core/catalog/sidecar-missing.ts";
import type { ReadResult } from "./catalog-read-batch.ts";
import type { ReadPool } from "./catalog-read-pool.ts";
import type { ScanOptions } from "./catalog-scan.ts";
import { locationsUnder } from "./checkpoint-location.ts";
import type { ReadOutcome } from "./index-one.ts";
import type { ReadWorkers } from "./read-workers.ts";
import { storeIndexed } from "./store-indexed.ts";

const FLUSH_EVERY = 500;

type Collector = {
  /** Reads whose rows are not stored yet: stored in batches, reported (`onRead`) once their batch is. */
  reads: ReadOutcome[];
  failures: { path: string; message: string }[];
  written: number;
  missing: number;
  done: number;
};

type Context = { readonly database: Database; readonly options: ScanOptions; readonly workers: ReadWorkers };

/**
 * The reads of one scan and what became of them: a pool loaded on first use (a rescan that finds nothing changed
 * does not load the reader), fed during the walk when it may be (`planFromWalk`'s `onNewFiles`: an empty
 * catalog's), then with the rest of the plan; results stored 500 rows a transaction as they come in.
 */
export class ScanReads {
  private readonly collector: Collector;
  private readonly context: Context;
  private loading: Promise<ReadPool> | null = null;
  private pool: ReadPool | null = null;
  private pending: ScannedFile[] = [];
  /** Paths given to the pool during the walk: the plan lists them among its reads too. */
  private readonly early = new Set<string>();
  /**
   * Storing a batch failed (a full disk) while results came in from a worker's message: no read is started after
   * it, and the scan throws it (from the walk's next directory, or once the reads in flight are done).
   */
  private failure: { readonly error: unknown } | null = null;
  private readonly stopping = new AbortController();

  constructor(context: Context) {
    this.context = context;
    this.collector = { reads: [], failures: [], written: 0, missing: 0, done: 0 };
  }

  get failures(): readonly { readonly path: string; readonly message: string }[] {
    return this.collector.failures;
  }

  get written(): number {
    return this.collector.written;
  }

  get missing(): number {
    return this.collector.missing;
  }

  /** New checkpoints the walk found, read while it goes on. */
  addDuringWalk(files: readonly ScannedFile[]): void {
    if (this.failure !== null) throw this.failure.error;
    for (const file of files) this.early.add(file.path);
    this.pending.push(...files);
    if (this.pool !== null) this.addPending(this.pool);
    else this.loading ??= this.load().then((pool) => this.addPending(pool));
  }

  /** The plan's reads (those not already given during the walk); every read done and stored when it returns. */
  async finish(files: readonly ScannedFile[]): Promise<void> {
    this.pending.push(
      ...(this.early.size === 0 ? files : files.filter((file) => !this.early.has(file.path))),
    );
    if (this.pending.length > 0 || this.loading !== null) {
      const pool = await (this.loading ?? this.load());
      this.addPending(pool);
      await pool.finish();
    }
    if (this.failure !== null) throw this.failure.error;
    this.flush();
  }

  /** Stores what was read and not yet stored (a scan that stops still keeps what it read). */
  flush(): void {
    const { database, options } = this.context;
    const collector = this.collector;
    if (collector.reads.length === 0) return;
    // A full disk throws here (`CatalogWriteError`), and nothing of the batch is reported as indexed.
    storeIndexed(database, { indexed: collector.reads, now: options.now() });
    const reads = collector.reads;
    collector.reads = [];
    for (const outcome of reads) {
      options.onRead?.(outcome);
      if (outcome.warning !== null) options.onWarning?.(outcome.warning);
    }
  }

  private addPending(pool: ReadPool): ReadPool {
    const files = this.pending;
    this.pending = [];
    pool.add(locationsUnder(files, this.context.options.roots));
    return pool;
  }

  private async load(): Promise<ReadPool> {
    const { options, workers } = this.context;
    const { ReadPool } = await import("./catalog-read-pool.ts");
    const assemble = options.assemble ?? (await import("./catalog-assemble.ts")).defaultAssemble;
    const pool: ReadPool = new ReadPool({
      sidecars: options.sidecars,
      now: options.now,
      assemble,
      workers,
      signal:
        options.signal === undefined
          ? this.stopping.signal
          : AbortSignal.any([options.signal, this.stopping.signal]),
      onResults: (results) => {
        if (this.failure !== null) return;
        try {
          this.collect(results);
          options.onProgress?.(this.collector.done, pool.added);
          if (this.collector.reads.length >= FLUSH_EVERY) this.flush();
        } catch (error) {
          this.failure = { error };
          this.stopping.abort();
        }
      },
    });
    this.pool = pool;
    return pool;
  }

  private collect(results: readonly ReadResult[]): void {
    const collector = this.collector;
    for (const result of results) {
      collector.done++;
      if (!result.ok) {
        collector.failures.push({ path: result.path, message: result.message });
        continue;
      }
      const { entry, wrote } = result.outcome;
      collector.reads.push(result.outcome);
      if (wrote !== null) collector.written++;
      if (lacksSidecar(entry)) collector.missing++;
    }
  }
}
