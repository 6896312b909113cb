import type { Database } from "bun:sqlite";
import type { CatalogLock } from "../io/catalog/catalog-lock.ts";
import { type DaemonJob, type JobContext, runDaemonJob } from "./daemon-jobs.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import type { DaemonLoopOptions, StopReport } from "./daemon-loop.ts";
import type { DaemonStatus } from "./daemon-status.ts";
import { routeSettleOutcome } from "./event-router.ts";
import type { EventSource } from "./event-source.ts";
import { enqueue, remove, routerTargets, scheduleIdleCheckpoint } from "./loop-dispatch.ts";
import { clearTimer, setTimer } from "./loop-timers.ts";
import { createRetryTimers } from "./retry-timers.ts";
import { createScanWaiters } from "./root-scan.ts";
import { checkPathCompleteness, statPathIdentity } from "./settle-probes.ts";
import { createSettleScheduler, type SettleScheduler, type TimerHandle } from "./settle-scheduler.ts";
import { createWorkQueue, type WorkQueue } from "./work-queue.ts";

/** The loop's state (`daemon-status-builder.ts` reads it). */
export type Loop = {
  readonly options: DaemonLoopOptions;
  readonly database: Database;
  readonly lock: CatalogLock;
  readonly journal: DaemonJournal;
  readonly settle: SettleScheduler;
  readonly queue: WorkQueue<DaemonJob>;
  readonly context: JobContext;
  readonly timers: Set<TimerHandle>;
  readonly metricTimers: Map<string, TimerHandle>;
  /** Aborted at stop: `JobContext.stopping`. */
  readonly stopController: AbortController;
  readonly startedAt: number;
  roots: string[];
  source: EventSource | null;
  state: DaemonStatus["state"];
  idleTimer: TimerHandle | undefined;
  stopping: Promise<StopReport> | null;
};

type LoopParts = {
  readonly options: DaemonLoopOptions;
  readonly database: Database;
  readonly journal: DaemonJournal;
  readonly stopController: AbortController;
};

function settleSchedulerOf(options: DaemonLoopOptions, loop: () => Loop): SettleScheduler {
  return createSettleScheduler({
    stat: statPathIdentity,
    checkCompleteness: checkPathCompleteness,
    onOutcome: (outcome) => routeSettleOutcome(outcome, routerTargets(loop())),
    now: options.now,
    setTimer,
    clearTimer,
    ...(options.settlePolicy === undefined ? {} : { policy: options.settlePolicy }),
  });
}

function workQueueOf(parts: LoopParts, loop: () => Loop): WorkQueue<DaemonJob> {
  return createWorkQueue<DaemonJob>({
    // One at a time: reads are a few KB and synchronous, and a reconcile must not race per-path writes.
    concurrency: 1,
    run: async (item) => {
      try {
        await runDaemonJob(loop().context, item.reason);
      } catch (error) {
        // A job the stop cut short (a reconcile ends after its read batch) did not fail.
        if (error !== parts.stopController.signal.reason) throw error;
      }
      scheduleIdleCheckpoint(loop());
    },
    onFailure: (item, error) =>
      parts.journal.log("error", "work failed", {
        path: item.key.replace(/^[a-z]+:/, ""),
        cause: error instanceof Error ? error.message : String(error),
      }),
    now: parts.options.now,
    setTimer,
    clearTimer,
  });
}

function jobContextOf(parts: LoopParts, loop: () => Loop): JobContext {
  const { options } = parts;
  return {
    database: parts.database,
    journal: parts.journal,
    sidecars: options.sidecars,
    followSymlinks: options.followSymlinks ?? false,
    now: options.now,
    roots: () => loop().roots,
    renotice: (path) => loop().settle.notice(path),
    enqueue: (job) => enqueue(loop(), job),
    remove: (path) => remove(loop(), path),
    removals: new Set(),
    stopping: parts.stopController.signal,
    counters: { indexed: 0, reconciles: 0, lastReconcile: null },
    scans: createScanWaiters(),
    retries: createRetryTimers({ enqueue: (job) => enqueue(loop(), job), setTimer, clearTimer }),
    ...(options.reconcileWorkers === undefined ? {} : { reconcileWorkers: options.reconcileWorkers }),
    ...(options.retention === undefined ? {} : { retention: options.retention }),
  };
}

/** The loop's state, wired: the settle scheduler, the one-at-a-time work queue and what the jobs share. */
export function createLoop(
  options: DaemonLoopOptions,
  lock: CatalogLock,
  database: Database,
  journal: DaemonJournal,
): Loop {
  const parts: LoopParts = { options, database, journal, stopController: new AbortController() };
  const self = () => loop;
  const loop: Loop = {
    options,
    database,
    lock,
    journal,
    timers: new Set(),
    metricTimers: new Map(),
    stopController: parts.stopController,
    startedAt: options.now(),
    roots: [...options.roots],
    source: null,
    state: "starting",
    idleTimer: undefined,
    stopping: null,
    settle: settleSchedulerOf(options, self),
    queue: workQueueOf(parts, self),
    context: jobContextOf(parts, self),
  };
  return loop;
}
