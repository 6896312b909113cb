import type { DaemonStatus } from "./daemon-status.ts";
import type { S3WatchRun } from "./s3-watch-run.ts";
import { buildWatcherStatus } from "./watcher-status.ts";

/** `ckpt watch s3://…` as `GET /status` answers it: the directory watcher's shape, with each prefix's poller. */
export function buildS3WatchStatus(run: S3WatchRun): DaemonStatus {
  const listing = run.lastListing;
  return buildWatcherStatus({
    state: run.state,
    options: run.options,
    startedAt: run.startedAt,
    journal: run.journal,
    database: run.database,
    roots: [...run.pollers.keys()],
    mode: "list",
    // Objects are read as they are listed: nothing waits in a queue or settles.
    queue: { queued: 0, in_flight: 0, settling: 0, incomplete: 0, removals: 0 },
    indexed: run.indexed,
    lastReconcile:
      listing === null
        ? null
        : {
            at: listing.at,
            seconds: listing.seconds,
            added: listing.added,
            updated: listing.updated,
            removed: listing.removed,
          },
    prefixes: [...run.pollers.values()].map((poller) => poller.status()),
  });
}
