import { truncateWal } from "../io/catalog/catalog-db.ts";
import { type DaemonJob, indexKeyOf, workItemOf } from "./daemon-jobs.ts";
import type { Loop } from "./daemon-loop-state.ts";
import { type RouterTargets, routeWatchEvent } from "./event-router.ts";
import { startEventSource } from "./event-source.ts";
import { clearTimer, setTimer } from "./loop-timers.ts";
import { lowerProcessPriority } from "./process-priority.ts";

// How the running loop turns events and timers into queued jobs: the event source, debounced run files, removals,
// the periodic reconcile and the idle WAL checkpoint. Nothing here runs a job: the work queue does.

function later(loop: Loop, delayMs: number, callback: () => void): void {
  const handle = setTimer(() => {
    loop.timers.delete(handle);
    if (loop.state !== "stopping") callback();
  }, delayMs);
  loop.timers.add(handle);
}

export function enqueue(loop: Loop, job: DaemonJob): void {
  if (loop.state !== "stopping") loop.queue.enqueue(workItemOf(job));
}

/** A removal waits in the pending set; one queued job takes them a batch at a time. */
export function remove(loop: Loop, path: string): void {
  if (loop.state === "stopping") return;
  loop.context.removals.add(path);
  loop.queue.cancel(indexKeyOf(path));
  enqueue(loop, { kind: "removals" });
}

function metricsChanged(loop: Loop, file: string): void {
  if (loop.metricTimers.has(file) || loop.state === "stopping") return;
  const handle = setTimer(() => {
    loop.metricTimers.delete(file);
    enqueue(loop, { kind: "metrics", file });
  }, loop.options.metricsDebounceMs ?? 2000);
  loop.metricTimers.set(file, handle);
}

/** WAL grows under readers (ux §0.18): truncate it once the daemon has been quiet for a while. */
export function scheduleIdleCheckpoint(loop: Loop): void {
  if (loop.idleTimer !== undefined) clearTimer(loop.idleTimer);
  // A job that ends after the stop began must not arm a timer that keeps the process alive for 30 s.
  if (loop.state === "stopping") return;
  loop.idleTimer = setTimer(() => {
    loop.idleTimer = undefined;
    const stats = loop.queue.stats();
    if (loop.state === "stopping" || stats.queued + stats.inFlight > 0) return;
    try {
      truncateWal(loop.database);
    } catch (error) {
      loop.journal.log("debug", "WAL checkpoint skipped", { cause: String(error) });
    }
  }, loop.options.idleCheckpointMs ?? 30_000);
}

function schedulePeriodicReconcile(loop: Loop): void {
  later(loop, loop.options.reconcileEveryMs ?? 300_000, () => {
    enqueue(loop, { kind: "reconcile", reason: "periodic" });
    schedulePeriodicReconcile(loop);
  });
}

export function routerTargets(loop: Loop): RouterTargets {
  return {
    settle: loop.settle,
    enqueue: (job) => enqueue(loop, job),
    remove: (path) => remove(loop, path),
    metricsChanged: (file) => metricsChanged(loop, file),
    journal: loop.journal,
  };
}

export async function begin(loop: Loop): Promise<void> {
  const { options, journal } = loop;
  if (options.lowerPriority ?? true) lowerProcessPriority({ pid: options.pid, logger: options.logger });
  const targets = routerTargets(loop);
  loop.source = startEventSource({
    roots: loop.roots,
    onEvent: (event) => {
      if (loop.state !== "stopping") routeWatchEvent(event, targets);
    },
    now: options.now,
    pollIntervalMs: options.pollIntervalMs,
    watcher: options.watcher,
  });
  await loop.source.ready;
  if (loop.state === "stopping") return;
  loop.state = "ready";
  journal.log("info", "watching", {
    roots: loop.roots.join(","),
    catalog: options.catalogPath,
    mode: loop.source.mode,
    pid: options.pid,
  });
  enqueue(loop, { kind: "reconcile", reason: "start" });
  schedulePeriodicReconcile(loop);
}
