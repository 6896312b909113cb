import type { Database } from "bun:sqlite";
import { dataVersion, openCatalogForReading } from "./catalog-db.ts";
import type { PostgresCatalogStore } from "./postgres-catalog-store.ts";
import { applyHostSync, type HostSync, sharedRowSignatures, sharedRunStamps } from "./postgres-host-sync.ts";
import { localRowSignatures, localRunPoints, localRuns, localStoredRows } from "./sqlite-host-rows.ts";

/**
 * Each host keeps its own working catalog (SQLite: the scan's and the daemon's change detection reads it a
 * directory at a time) and publishes its rows to the shared catalog under its host name: rows whose signature
 * differs are sent again, rows gone from the local catalog are dropped, in one transaction that wakes readers.
 */
export type Publication = { readonly upserted: number; readonly removed: number; readonly runs: number };

function runStamp(run: { updated_at: number; points_fingerprint: string | null }): string {
  return JSON.stringify([run.updated_at, run.points_fingerprint]);
}

/**
 * This host's rows and runs as the shared catalog holds them, by signature. Read from the server once, then kept
 * in step by each publication, so publishing after a commit reads only the local catalog.
 */
export type PublishedState = { readonly rows: Map<string, string>; readonly runs: Map<string, string> };

/** What differs between the local catalog and this host's shared rows, read in one local transaction. */
function diffAgainst(local: Database, shared: PublishedState): { sync: HostSync; after: PublishedState } {
  return local.transaction(() => {
    const signatures = localRowSignatures(local);
    const changed = [...signatures].flatMap(([path, sign]) => (shared.rows.get(path) === sign ? [] : [path]));
    const removed = [...shared.rows.keys()].filter((path) => !signatures.has(path));
    const runs = localRuns(local);
    const known = new Set(runs.map((run) => run.dir));
    const updates = runs.flatMap((run) => {
      const stamp = shared.runs.get(run.dir);
      if (stamp === runStamp(run)) return [];
      const samePoints = stamp !== undefined && JSON.parse(stamp)[1] === run.points_fingerprint;
      return [{ run, points: samePoints ? null : localRunPoints(local, run.dir) }];
    });
    const removedRuns = [...shared.runs.keys()].filter((dir) => !known.has(dir));
    const sync = { rows: localStoredRows(local, changed), removed, runs: updates, removedRuns };
    return { sync, after: { rows: signatures, runs: new Map(runs.map((run) => [run.dir, runStamp(run)])) } };
  })();
}

/**
 * Publishes this host's local rows to the shared catalog; returns what changed there and the state to pass to the
 * next publication (without one, this host's rows are read from the server first).
 */
export async function publishHostRows(
  local: Database,
  shared: PostgresCatalogStore,
  published?: PublishedState,
): Promise<Publication & { readonly published: PublishedState }> {
  const [rows, runs] =
    published === undefined
      ? await Promise.all([
          sharedRowSignatures(shared.sql, shared.host),
          sharedRunStamps(shared.sql, shared.host),
        ])
      : [published.rows, published.runs];
  const { sync, after } = diffAgainst(local, { rows, runs });
  const nothing = sync.rows.length + sync.removed.length + sync.runs.length + sync.removedRuns.length === 0;
  if (!nothing) await applyHostSync(shared.sql, shared.host, sync);
  return {
    upserted: sync.rows.length,
    removed: sync.removed.length,
    runs: sync.runs.length,
    published: after,
  };
}

/** How often the publisher asks the local catalog's `data_version` whether the daemon committed. */
const LOCAL_POLL_MS = 100;
/** After a failed publication (server down), the next attempt waits this long: one log line, not ten a second. */
const RETRY_AFTER_MS = 5_000;

export type HostPublisher = { stop(): Promise<void> };

/**
 * Keeps the shared catalog in step with the local one while `ckpt watch` runs: publishes at start and after
 * every local commit (seen through `PRAGMA data_version`), one publication at a time.
 */
export function startHostPublisher(options: {
  readonly catalogPath: string;
  readonly shared: PostgresCatalogStore;
  readonly onPublished: (publication: Publication) => void;
  readonly onError: (error: unknown) => void;
}): HostPublisher {
  let local: Database | null = null;
  let seen = -1;
  let running: Promise<void> | null = null;
  let retryAt = 0;
  let published: PublishedState | undefined;
  const tick = () => {
    if (running !== null || performance.now() < retryAt) return;
    if (local === null) {
      const opened = openCatalogForReading(options.catalogPath);
      if (!opened.success) return;
      local = opened.data;
    }
    const open = local;
    const version = dataVersion(open);
    if (version === seen) return;
    seen = version;
    running = publishHostRows(open, options.shared, published)
      .then(({ published: after, ...publication }) => {
        published = after;
        if (publication.upserted + publication.removed + publication.runs > 0)
          options.onPublished(publication);
      })
      .catch((error: unknown) => {
        seen = -1;
        // What the server holds is unknown after a failure: read it again.
        published = undefined;
        retryAt = performance.now() + RETRY_AFTER_MS;
        options.onError(error);
      })
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, LOCAL_POLL_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      (local as Database | null)?.close();
    },
  };
}
