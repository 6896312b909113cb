import { availableParallelism } from "node:os";

/** Below this many reads per worker, a worker's start-up (~60 ms of loading the reader) costs more than it saves. */
const MIN_ITEMS_PER_WORKER = 256;

/**
 * From source the worker sits beside this file. In the compiled binary every module reports the executable as its
 * `import.meta.url`, and the embedded worker is named relative to the entry's directory (`src/`), as Bun's
 * executables docs describe; build-binary.ts lists it as an entrypoint, from this one name. A worker that does
 * not load is dropped with one warning line and its reads are done on the main thread
 * (test/binary/binary-scan-worker.test.ts holds the binary to loading it).
 */
export const READ_WORKER_MODULE = "io/scan/catalog-read-worker.ts";

function workerSpecifier(): string {
  if (import.meta.url.startsWith("file:///$bunfs/")) return `./${READ_WORKER_MODULE}`;
  return new URL("./catalog-read-worker.ts", import.meta.url).href;
}

/** Why a worker failed, from its error event or the exception `new Worker` threw. */
function reasonOf(error: unknown): string {
  if (error instanceof ErrorEvent) return error.message || "no reason given";
  return error instanceof Error ? error.message : String(error);
}

export type ReadWorkersOptions = {
  /** Worker threads besides the main one. @default cores − 1 */
  readonly requested?: number | undefined;
  /** The worker module. @default the catalog read worker */
  readonly specifier?: string;
  /** One line per worker that failed to start or died: what, why, and that its reads go to the main thread. */
  readonly onFailure?: (message: string) => void;
};

/**
 * Read workers started as soon as the walk has found enough to read, so they load the reader while the walk
 * finishes (this module is light: the warm rescan that finds nothing imports it and starts none).
 */
export class ReadWorkers {
  private wanted: number;
  private readonly started: Worker[] = [];
  // A worker can fail to load before the pool attaches its handlers (they come after the walk): remembered here,
  // so the pool never waits on a worker that is already dead.
  private readonly failed = new Set<Worker>();
  private readonly specifier: string;
  private readonly onFailure: (message: string) => void;

  constructor(options: ReadWorkersOptions = {}) {
    this.wanted = Math.max(0, options.requested ?? availableParallelism() - 1);
    this.specifier = options.specifier ?? workerSpecifier();
    this.onFailure = options.onFailure ?? (() => {});
  }

  /** Starts workers up to one per `MIN_ITEMS_PER_WORKER` reads found so far, at most `requested`. */
  grow(reads: number): void {
    const worthIt = Math.min(this.wanted, Math.floor(reads / MIN_ITEMS_PER_WORKER));
    while (this.started.length < worthIt) {
      const worker = this.startWorker();
      if (worker === null) break;
      worker.addEventListener("error", (event) => this.fail(worker, event));
      this.started.push(worker);
    }
  }

  private startWorker(): Worker | null {
    try {
      return new Worker(this.specifier);
    } catch (error) {
      this.wanted = 0;
      this.report(error);
      return null;
    }
  }

  /** A worker that failed to load or died: said once; the pool hands its batches back to the main thread. */
  fail(worker: Worker, error: unknown): void {
    if (this.failed.has(worker)) return;
    this.failed.add(worker);
    this.report(error);
  }

  private report(error: unknown): void {
    this.onFailure(
      `read worker ${this.specifier} failed (${reasonOf(error)}); its checkpoints are read on the main thread, which is slower but complete`,
    );
  }

  /** The workers started and not known to have failed. */
  get workers(): readonly Worker[] {
    return this.started.filter((worker) => !this.failed.has(worker));
  }

  terminate(): void {
    for (const worker of this.started.splice(0)) worker.terminate();
  }
}
