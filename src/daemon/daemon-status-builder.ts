import { primaryRowCount } from "../io/catalog/sqlite-path-reads.ts";
import type { Loop } from "./daemon-loop-state.ts";
import type { DaemonStatus } from "./daemon-status.ts";

const HOUR_MS = 3_600_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function catalogCount(loop: Loop): number {
  try {
    return primaryRowCount(loop.database);
  } catch {
    return 0;
  }
}

/** The loop's state as `GET /status` answers it. */
export function buildDaemonStatus(loop: Loop): DaemonStatus {
  const { options, journal } = loop;
  const now = options.now();
  const queue = loop.queue.stats();
  const settle = loop.settle.stats();
  const last = journal.lastEvent();
  const errors = journal.errorsWithin(HOUR_MS);
  const reconcile = loop.context.counters.lastReconcile;
  return {
    state: loop.state,
    pid: options.pid,
    version: options.version,
    started_at: iso(loop.startedAt),
    uptime_seconds: Math.round((now - loop.startedAt) / 1000),
    roots: [...loop.roots],
    catalog: options.catalogPath,
    mode: options.pollIntervalMs === undefined ? "watch" : "poll",
    queue: {
      queued: queue.queued,
      in_flight: queue.inFlight,
      settling: settle.pending,
      incomplete: settle.incomplete,
      removals: loop.context.removals.size,
    },
    checkpoints_indexed: loop.context.counters.indexed,
    catalog_checkpoints: catalogCount(loop),
    last_event: last === null ? null : { at: iso(last.at), message: last.message },
    errors_last_hour: errors.length,
    recent_errors: errors
      .slice(-10)
      .map((error) => ({ at: iso(error.at), message: error.message, path: error.path })),
    last_reconcile: reconcile === null ? null : { ...reconcile, at: iso(reconcile.at) },
    log: options.logPath ?? null,
  };
}
