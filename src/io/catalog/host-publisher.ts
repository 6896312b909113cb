import type { Database } from "bun:sqlite";
import { dataVersion, openCatalogForReading } from "./catalog-db.ts";
import type { StoreChanges } from "./catalog-store.ts";
import type { PostgresCatalogStore } from "./postgres-catalog-store.ts";
import { sharedRowSignatures, sharedRunStamps } from "./postgres-host-sync.ts";
import {
  localRowSignatures,
  localRunPoints,
  localRunStamp,
  localRuns,
  localStoredEntries,
  RUN_STAMP,
} from "./sqlite-host-rows.ts";

/**
 * Each host keeps its own working catalog (SQLite: the scan's and the daemon's change detection reads it a
 * directory at a time) and publishes its rows to the shared catalog under its host name: rows whose signature
 * differs are sent again, rows gone from the local catalog are dropped, in one transaction that wakes readers.
 */
export type Publication = { readonly upserted: number; readonly removed: number; readonly runs: number };

const FINGERPRINT_AT = RUN_STAMP.indexOf("points_fingerprint");

/**
 * This host's rows and runs as the shared catalog holds them, by signature. Read from the server once, then kept
 * in step by each publication, so publishing after a commit reads only the local catalog.
 */
export type PublishedState = { readonly rows: Map<string, string>; readonly runs: Map<string, string> };

/** What differs between the local catalog and this host's shared rows, read in one local transaction. */
function diffAgainst(
  local: Database,
  shared: PublishedState & { readonly now: number },
): { changes: StoreChanges; after: PublishedState } {
  return local.transaction(() => {
    const signatures = localRowSignatures(local);
    const changed = [...signatures].flatMap(([path, sign]) => (shared.rows.get(path) === sign ? [] : [path]));
    const removed = [...shared.rows.keys()].filter((path) => !signatures.has(path));
    const runs = localRuns(local);
    const updates = runs.flatMap((run) => {
      const stamp = shared.runs.get(run.dir);
      if (stamp === localRunStamp(run)) return [];
      const samePoints = stamp !== undefined && JSON.parse(stamp)[FINGERPRINT_AT] === run.points_fingerprint;
      const { points_fingerprint: _print, ...facts } = run;
      return [{ run: facts, points: samePoints ? null : localRunPoints(local, run.dir) }];
    });
    // A run gone from the local catalog lost its last checkpoint: the store drops it with that row's removal.
    const changes = { upserts: localStoredEntries(local, changed), removed, runs: updates, now: shared.now };
    const after = { rows: signatures, runs: new Map(runs.map((run) => [run.dir, localRunStamp(run)])) };
    return { changes, after };
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
  const { changes, after } = diffAgainst(local, { rows, runs, now: Date.now() });
  const upserted = changes.upserts?.length ?? 0;
  const removed = changes.removed?.length ?? 0;
  const changedRuns = changes.runs?.length ?? 0;
  if (upserted + removed + changedRuns > 0) await shared.applyChanges(changes);
  return { upserted, removed, runs: changedRuns, published: after };
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
