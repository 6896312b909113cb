import { truncateWal } from "../io/catalog/catalog-db.ts";
import type { StopReport } from "./daemon-loop.ts";
import type { Loop } from "./daemon-loop-state.ts";
import { clearTimer } from "./loop-timers.ts";

/**
 * The graceful stop (SIGTERM, SIGINT, `ckpt stop`): take no more events, abort long jobs (a reconcile ends after
 * the read batch it is in), give the job in flight until `deadlineMs`, checkpoint the WAL and release the lock.
 * What was queued is dropped: the next start's reconcile catches up on it.
 */
export async function stopLoop(loop: Loop, deadlineMs: number): Promise<StopReport> {
  loop.state = "stopping";
  loop.stopController.abort();
  for (const handle of [...loop.timers, ...loop.metricTimers.values()]) clearTimer(handle);
  loop.timers.clear();
  loop.metricTimers.clear();
  if (loop.idleTimer !== undefined) clearTimer(loop.idleTimer);
  for (const timers of [loop.settle, loop.context.retries]) timers.close();
  await loop.source?.close().catch(() => undefined);
  const closed = await loop.queue.close(deadlineMs);
  const removals = loop.context.removals.size;
  loop.context.removals.clear();
  loop.context.scans.failAll("ckpt watch stopped before the scan was done; run it again");
  // Work still running past the deadline uses the database: closing it under that work would make it throw.
  if (closed.finished)
    try {
      truncateWal(loop.database);
      loop.database.close();
    } catch {
      // The process is about to exit; the WAL is checkpointed by the next writer.
    }
  loop.lock.release();
  loop.journal.log("info", "stopped", {
    dropped: closed.dropped,
    removals_left: removals > 0 ? removals : undefined,
    unfinished: closed.abandoned,
  });
  return { finished: closed.finished, dropped: closed.dropped };
}
