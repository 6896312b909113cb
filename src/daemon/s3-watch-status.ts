import { primaryRowCount } from "../io/catalog/sqlite-path-reads.ts";
import type { DaemonStatus } from "./daemon-status.ts";
import type { S3WatchRun } from "./s3-watch-run.ts";

const HOUR_MS = 3_600_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function catalogCount(run: S3WatchRun): number {
  try {
    return primaryRowCount(run.database);
  } catch {
    return 0;
  }
}

/** `ckpt watch s3://…` as `GET /status` answers it: the directory watcher's shape, with each prefix's poller. */
export function buildS3WatchStatus(run: S3WatchRun): DaemonStatus {
  const { options, journal } = run;
  const last = journal.lastEvent();
  const errors = journal.errorsWithin(HOUR_MS);
  const listing = run.lastListing;
  return {
    state: run.state,
    pid: options.pid,
    version: options.version,
    started_at: iso(run.startedAt),
    uptime_seconds: Math.round((options.now() - run.startedAt) / 1000),
    roots: [...run.pollers.keys()],
    catalog: options.catalogPath,
    mode: "list",
    // Objects are read as they are listed: nothing waits in a queue or settles.
    queue: { queued: 0, in_flight: 0, settling: 0, incomplete: 0, removals: 0 },
    checkpoints_indexed: run.indexed,
    catalog_checkpoints: catalogCount(run),
    last_event: last === null ? null : { at: iso(last.at), message: last.message },
    errors_last_hour: errors.length,
    recent_errors: errors
      .slice(-10)
      .map((error) => ({ at: iso(error.at), message: error.message, path: error.path })),
    last_reconcile:
      listing === null
        ? null
        : {
            at: iso(listing.at),
            seconds: Number(listing.seconds.toFixed(3)),
            added: listing.added,
            updated: listing.updated,
            removed: listing.removed,
          },
    log: options.logPath ?? null,
    prefixes: [...run.pollers.values()].map((poller) => poller.status()),
  };
}
