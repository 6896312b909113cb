import type { Loop } from "./daemon-loop-state.ts";
import type { DaemonStatus } from "./daemon-status.ts";
import { buildWatcherStatus } from "./watcher-status.ts";

/** The directory watcher's loop as `GET /status` answers it. */
export function buildDaemonStatus(loop: Loop): DaemonStatus {
  const { options } = loop;
  const queue = loop.queue.stats();
  const settle = loop.settle.stats();
  return buildWatcherStatus({
    state: loop.state,
    options,
    startedAt: loop.startedAt,
    journal: loop.journal,
    database: loop.database,
    roots: loop.roots,
    mode: options.pollIntervalMs === undefined ? "watch" : "poll",
    queue: {
      queued: queue.queued,
      in_flight: queue.inFlight,
      settling: settle.pending,
      incomplete: settle.incomplete,
      removals: loop.context.removals.size,
    },
    indexed: loop.context.counters.indexed,
    lastReconcile: loop.context.counters.lastReconcile,
  });
}
