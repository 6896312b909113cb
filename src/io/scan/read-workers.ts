import { availableParallelism } from "node:os";

/** Below this many reads per worker, a worker's start-up (~60 ms of loading the reader) costs more than it saves. */
const MIN_ITEMS_PER_WORKER = 256;

/**
 * From source the worker sits beside this file. In the compiled binary every module reports the executable as its
 * `import.meta.url`, and the embedded worker is named relative to the entry's directory (`src/`), as Bun's
 * executables docs describe; build-binary.ts lists it as an entrypoint, from this one name (a worker that does
 * not load is dropped and its reads done on the main thread, so a stale name would only show as a slower scan).
 */
export const READ_WORKER_MODULE = "io/scan/catalog-read-worker.ts";

function workerSpecifier(): string {
  if (import.meta.url.startsWith("file:///$bunfs/")) return `./${READ_WORKER_MODULE}`;
  return new URL("./catalog-read-worker.ts", import.meta.url).href;
}

function startWorker(specifier: string): Worker | null {
  try {
    return new Worker(specifier);
  } catch {
    return null;
  }
}

/**
 * Read workers started as soon as the walk has found enough to read, so they load the reader while the walk
 * finishes (this module is light: the warm rescan that finds nothing imports it and starts none).
 */
export class ReadWorkers {
  private readonly wanted: number;
  private readonly started: Worker[] = [];
  // A worker can fail to load before the pool attaches its handlers (they come after the walk): remembered here,
  // so the pool never waits on a worker that is already dead.
  private readonly failed = new Set<Worker>();

  private readonly specifier: string;

  /**
   * @param requested worker threads besides the main one; @default cores − 1
   * @param specifier the worker module; @default the catalog read worker
   */
  constructor(requested?: number, specifier = workerSpecifier()) {
    this.wanted = Math.max(0, requested ?? availableParallelism() - 1);
    this.specifier = specifier;
  }

  /** Starts workers up to one per `MIN_ITEMS_PER_WORKER` reads found so far, at most `requested`. */
  grow(reads: number): void {
    const worthIt = Math.min(this.wanted, Math.floor(reads / MIN_ITEMS_PER_WORKER));
    while (this.started.length < worthIt) {
      const worker = startWorker(this.specifier);
      if (worker === null) break;
      worker.onerror = () => {
        this.failed.add(worker);
      };
      this.started.push(worker);
    }
  }

  /** The workers started and not known to have failed. */
  get workers(): readonly Worker[] {
    return this.started.filter((worker) => !this.failed.has(worker));
  }

  terminate(): void {
    for (const worker of this.started.splice(0)) worker.terminate();
  }
}
