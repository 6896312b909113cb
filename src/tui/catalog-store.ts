import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import type { CheckpointDetail, TuiCatalogReader } from "../io/catalog/tui-catalog-reads.ts";

/** Who keeps the catalog current while the TUI looks at it. */
export type DaemonState = "attached" | "embedded" | "read-only";

export type StoreStatus = {
  readonly daemon: DaemonState;
  readonly catalogPath: string;
  /** The last thing that happened (a scan finished, a rescan failed), for the status bar. */
  readonly lastEvent: string | null;
};

/** One immutable view of the catalog; a new object only when something visible changed. */
export type CatalogSnapshot = {
  readonly generation: number;
  readonly loaded: boolean;
  readonly entries: readonly CatalogEntry[];
  /** Paths that appeared after the first load, with when they were first seen (rows flash briefly). */
  readonly arrivals: ReadonlyMap<string, number>;
  readonly loadedAt: number;
  readonly error: string | null;
  readonly status: StoreStatus;
};

export type Timers = {
  readonly setInterval: (callback: () => void, ms: number) => unknown;
  readonly clearInterval: (handle: unknown) => void;
};

export type CatalogStoreOptions = {
  readonly reader: TuiCatalogReader;
  /** How often `data_version` is checked. @default 250 */
  readonly pollMs?: number;
  /**
   * The minimum time between two snapshots of catalog data: a lone change shows within `pollMs`, a stream of them
   * is batched so that rows arriving on screen redraw the rows below them at most this often. @default pollMs
   */
  readonly publishMs?: number;
  readonly now: () => number;
  readonly status: StoreStatus;
  /** @default the global timers */
  readonly timers?: Timers;
  /** Arrivals older than this stop flashing and are forgotten. @default 10000 */
  readonly arrivalMemoryMs?: number;
};

export type CatalogStore = {
  subscribe(listener: () => void): () => void;
  getSnapshot(): CatalogSnapshot;
  /** Re-queries when `data_version` moved (or `force`), at most once per `publishMs`; true when it published. */
  poll(options?: { readonly force?: boolean }): boolean;
  start(): void;
  stop(): void;
  setStatus(patch: Partial<StoreStatus>): void;
  loadDetail(entry: CatalogEntry): CheckpointDetail;
};

const globalTimers: Timers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

function nextArrivals(
  previous: CatalogSnapshot,
  added: readonly string[],
  options: { now: number; memoryMs: number },
): ReadonlyMap<string, number> {
  const arrivals = new Map<string, number>();
  for (const [path, at] of previous.arrivals) if (options.now - at < options.memoryMs) arrivals.set(path, at);
  if (!previous.loaded) return arrivals;
  for (const path of added) arrivals.set(path, options.now);
  return arrivals;
}

/**
 * The TUI's single source of catalog data: polls `PRAGMA data_version`, re-queries only when it changed, and
 * publishes immutable snapshots (at most one per `publishMs`, so ≤ 4 per second by default) to
 * `useSyncExternalStore` subscribers. One instance per TUI session; nothing is module-global.
 */
export function createCatalogStore(options: CatalogStoreOptions): CatalogStore {
  const pollMs = options.pollMs ?? 250;
  const publishMs = Math.max(pollMs, options.publishMs ?? pollMs);
  const timers = options.timers ?? globalTimers;
  const memoryMs = options.arrivalMemoryMs ?? 10_000;
  const listeners = new Set<() => void>();
  let snapshot: CatalogSnapshot = {
    generation: 0,
    loaded: false,
    entries: [],
    arrivals: new Map(),
    loadedAt: options.now(),
    error: null,
    status: options.status,
  };
  let seenVersion: number | null = null;
  let lastPublishAt = Number.NEGATIVE_INFINITY;
  let handle: unknown = null;

  const publish = (next: Omit<CatalogSnapshot, "generation">) => {
    snapshot = { ...next, generation: snapshot.generation + 1 };
    lastPublishAt = options.now();
    for (const listener of [...listeners]) listener();
  };

  const poll = (pollOptions: { readonly force?: boolean } = {}): boolean => {
    const now = options.now();
    if (!pollOptions.force && now - lastPublishAt < publishMs) return false;
    try {
      const version = options.reader.dataVersion();
      if (!pollOptions.force && version === seenVersion && snapshot.error === null) return false;
      // Only the rows changed since the last read are read again.
      const { entries, added } = options.reader.readChanges();
      seenVersion = version;
      const arrivals = nextArrivals(snapshot, added, { now, memoryMs });
      publish({ ...snapshot, loaded: true, entries, arrivals, loadedAt: now, error: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message === snapshot.error) return false;
      publish({ ...snapshot, error: message });
    }
    return true;
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    poll,
    start() {
      if (handle !== null) return;
      poll({ force: true });
      handle = timers.setInterval(() => poll(), pollMs);
    },
    stop() {
      if (handle !== null) timers.clearInterval(handle);
      handle = null;
    },
    setStatus(patch) {
      publish({ ...snapshot, status: { ...snapshot.status, ...patch } });
    },
    loadDetail: (entry) => options.reader.readDetail(entry),
  };
}
