import type { Database } from "bun:sqlite";
import { primaryRowCount } from "../io/catalog/sqlite-path-reads.ts";
import type { LastReconcile } from "./daemon-jobs.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import type { DaemonStatus } from "./daemon-status.ts";

const HOUR_MS = 3_600_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Primary rows in the catalog; 0 while it cannot be read (a status answer never fails on it). */
function catalogCount(database: Database): number {
  try {
    return primaryRowCount(database);
  } catch {
    return 0;
  }
}

/** What a watcher (of directories or of s3:// prefixes) knows of itself, as `buildWatcherStatus` reports it. */
export type WatcherFacts = {
  readonly state: DaemonStatus["state"];
  readonly options: {
    readonly pid: number;
    readonly version: string;
    readonly catalogPath: string;
    readonly logPath?: string | null | undefined;
    readonly now: () => number;
  };
  readonly startedAt: number;
  readonly journal: DaemonJournal;
  readonly database: Database;
  readonly roots: readonly string[];
  readonly mode: DaemonStatus["mode"];
  readonly queue: DaemonStatus["queue"];
  readonly indexed: number;
  /** The last reconcile of directories, or the last listing of prefixes. */
  readonly lastReconcile: LastReconcile | null;
  readonly prefixes?: DaemonStatus["prefixes"];
};

/** A watcher's state as `GET /status` answers it, the same way for every kind of watcher. */
export function buildWatcherStatus(facts: WatcherFacts): DaemonStatus {
  const { options, journal } = facts;
  const last = journal.lastEvent();
  const errors = journal.errorsWithin(HOUR_MS);
  const reconcile = facts.lastReconcile;
  return {
    state: facts.state,
    pid: options.pid,
    version: options.version,
    started_at: iso(facts.startedAt),
    uptime_seconds: Math.round((options.now() - facts.startedAt) / 1000),
    roots: [...facts.roots],
    catalog: options.catalogPath,
    mode: facts.mode,
    queue: facts.queue,
    checkpoints_indexed: facts.indexed,
    catalog_checkpoints: catalogCount(facts.database),
    last_event: last === null ? null : { at: iso(last.at), message: last.message },
    errors_last_hour: errors.length,
    recent_errors: errors
      .slice(-10)
      .map((error) => ({ at: iso(error.at), message: error.message, path: error.path })),
    last_reconcile:
      reconcile === null
        ? null
        : { ...reconcile, at: iso(reconcile.at), seconds: Number(reconcile.seconds.toFixed(3)) },
    log: options.logPath ?? null,
    ...(facts.prefixes === undefined ? {} : { prefixes: facts.prefixes }),
  };
}
