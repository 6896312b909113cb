import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { SettlePolicy } from "../core/daemon/settle-plan.ts";
import { fail, ok, type Result } from "../core/result.ts";
import { openCatalogForWriting, truncateWal } from "../io/catalog/catalog-db.ts";
import { type CatalogLock, type LockHolder, tryLockCatalog } from "../io/catalog/catalog-lock.ts";
import type { Logger } from "../io/process/logger.ts";
import { type DaemonJob, indexKeyOf, type JobContext, runDaemonJob, workItemOf } from "./daemon-jobs.ts";
import { createDaemonJournal, type DaemonJournal } from "./daemon-journal.ts";
import { addRoot, reloadRoots, removeRoot, scanForRequester } from "./daemon-roots.ts";
import type { DaemonStatus } from "./daemon-status.ts";
import { buildDaemonStatus } from "./daemon-status-builder.ts";
import { stopLoop } from "./daemon-stop.ts";
import { type RouterTargets, routeSettleOutcome, routeWatchEvent } from "./event-router.ts";
import { type EventSource, type EventSourceOptions, startEventSource } from "./event-source.ts";
import { clearTimer, setTimer } from "./loop-timers.ts";
import { lowerProcessPriority } from "./process-priority.ts";
import { createRetryTimers } from "./retry-timers.ts";
import { createScanWaiters, type RootScan, type RootScanResult } from "./root-scan.ts";
import { checkPathCompleteness, statPathIdentity } from "./settle-probes.ts";
import { createSettleScheduler, type SettleScheduler, type TimerHandle } from "./settle-scheduler.ts";
import type { StandingRetention } from "./standing-retention.ts";
import { createWorkQueue, type WorkQueue } from "./work-queue.ts";

export type DaemonLoopOptions = {
  /** Absolute directories to watch. */
  readonly roots: readonly string[];
  readonly catalogPath: string;
  readonly sidecars: SidecarMode;
  readonly logger: Logger;
  readonly now: () => number;
  readonly pid: number;
  readonly version: string;
  /** A catalog on a network filesystem the user insisted on: rollback journal instead of WAL. */
  readonly noWal?: boolean;
  /** @default 300_000 (ux §3.4: 5–10 minutes, plus SIGHUP) */
  readonly reconcileEveryMs?: number;
  /** Quiet time before `wal_checkpoint(TRUNCATE)`. @default 30_000 */
  readonly idleCheckpointMs?: number;
  /** Debounce for run files that training appends to. @default 2000 */
  readonly metricsDebounceMs?: number;
  /** nice 10 and idle I/O; the embedded (TUI) watcher leaves its process alone. @default true */
  readonly lowerPriority?: boolean;
  readonly settlePolicy?: Partial<SettlePolicy>;
  /** Read workers for large reconciles. @default the scan's default */
  readonly reconcileWorkers?: number;
  readonly logPath?: string | null;
  /** `--follow-symlinks`: symlinks out of the roots are read too (sidecars still go only under the roots). */
  readonly followSymlinks?: boolean;
  /** `ckpt watch`'s retention policies; the TUI's embedded watcher has none. */
  readonly retention?: StandingRetention;
  /** `--poll[=SECONDS]` (our targeted poller) and `--watcher` (which inotify adapter). */
} & Pick<EventSourceOptions, "pollIntervalMs" | "watcher">;

export type StopReport = { readonly finished: boolean; readonly dropped: number };

export type DaemonLoop = {
  /** Resolves once events are live (the start-up reconcile is queued, not necessarily done). */
  readonly ready: Promise<void>;
  status(): DaemonStatus;
  /** SIGHUP: take a new set of roots (if given) and reconcile. */
  reload(roots?: readonly string[]): Promise<string>;
  rescan(): string;
  /** `ckpt scan DIR` of directories it does not watch: scanned once, through its queue; resolves when done. */
  scan(scan: Omit<RootScan, "purpose">): Promise<RootScanResult>;
  /** `ckpt watch --add`: watch one more root; resolves when its catch-up is done. A refusal says why. */
  addRoot(root: string): Promise<Result<RootScanResult, string>>;
  /** `ckpt watch --remove`: stop watching a root; its rows stay. A refusal says why. */
  removeRoot(root: string): Promise<Result<string, string>>;
  /** SIGTERM: take no more events, abort long jobs, give the one in flight `deadlineMs`, release the lock. */
  stop(deadlineMs?: number): Promise<StopReport>;
  /**
   * Runs `work` on the loop's own catalog connection, for a writer in the same process (the TUI's prune) that
   * cannot take the lock the loop holds. bun:sqlite is synchronous, so no step of the loop interleaves with it.
   */
  withCatalog<T>(work: (database: Database) => T): T;
};

export type DaemonStartError = { readonly kind: "busy"; readonly holder: LockHolder | null };

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

function later(loop: Loop, delayMs: number, callback: () => void): void {
  const handle = setTimer(() => {
    loop.timers.delete(handle);
    if (loop.state !== "stopping") callback();
  }, delayMs);
  loop.timers.add(handle);
}

function enqueue(loop: Loop, job: DaemonJob): void {
  if (loop.state !== "stopping") loop.queue.enqueue(workItemOf(job));
}

/** A removal waits in the pending set; one queued job takes them a batch at a time. */
function remove(loop: Loop, path: string): void {
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
function scheduleIdleCheckpoint(loop: Loop): void {
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

function routerTargets(loop: Loop): RouterTargets {
  return {
    settle: loop.settle,
    enqueue: (job) => enqueue(loop, job),
    remove: (path) => remove(loop, path),
    metricsChanged: (file) => metricsChanged(loop, file),
    journal: loop.journal,
  };
}

async function begin(loop: Loop): Promise<void> {
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

function createLoop(
  options: DaemonLoopOptions,
  lock: CatalogLock,
  database: Database,
  journal: DaemonJournal,
): Loop {
  const stopController = new AbortController();
  const loop: Loop = {
    options,
    database,
    lock,
    journal,
    timers: new Set(),
    metricTimers: new Map(),
    stopController,
    startedAt: options.now(),
    roots: [...options.roots],
    source: null,
    state: "starting",
    idleTimer: undefined,
    stopping: null,
    settle: createSettleScheduler({
      stat: statPathIdentity,
      checkCompleteness: checkPathCompleteness,
      onOutcome: (outcome) => routeSettleOutcome(outcome, routerTargets(loop)),
      now: options.now,
      setTimer,
      clearTimer,
      ...(options.settlePolicy === undefined ? {} : { policy: options.settlePolicy }),
    }),
    queue: createWorkQueue<DaemonJob>({
      // One at a time: reads are a few KB and synchronous, and a reconcile must not race per-path writes.
      concurrency: 1,
      run: async (item) => {
        try {
          await runDaemonJob(loop.context, item.reason);
        } catch (error) {
          // A job the stop cut short (a reconcile ends after its read batch) did not fail.
          if (error !== stopController.signal.reason) throw error;
        }
        scheduleIdleCheckpoint(loop);
      },
      onFailure: (item, error) =>
        journal.log("error", "work failed", {
          path: item.key.replace(/^[a-z]+:/, ""),
          cause: error instanceof Error ? error.message : String(error),
        }),
      now: options.now,
      setTimer,
      clearTimer,
    }),
    context: {
      database,
      journal,
      sidecars: options.sidecars,
      followSymlinks: options.followSymlinks ?? false,
      now: options.now,
      roots: () => loop.roots,
      renotice: (path) => loop.settle.notice(path),
      enqueue: (job) => enqueue(loop, job),
      remove: (path) => remove(loop, path),
      removals: new Set(),
      stopping: stopController.signal,
      counters: { indexed: 0, reconciles: 0, lastReconcile: null },
      scans: createScanWaiters(),
      retries: createRetryTimers({ enqueue: (job) => enqueue(loop, job), setTimer, clearTimer }),
      ...(options.reconcileWorkers === undefined ? {} : { reconcileWorkers: options.reconcileWorkers }),
      ...(options.retention === undefined ? {} : { retention: options.retention }),
    },
  };
  return loop;
}

/**
 * The watcher daemon's loop, shared by `ckpt watch` and the TUI's embedded watcher: the catalog lock (command
 * `watch`), the writer, events → settle → work queue → index, removals, run-file re-assembly, the start-up and
 * periodic reconcile, idle WAL checkpoints and a graceful stop. No socket, signals or detaching: callers add those.
 */
export function startDaemonLoop(options: DaemonLoopOptions): Result<DaemonLoop, DaemonStartError> {
  const locked = tryLockCatalog(options.catalogPath, {
    command: "watch",
    now: options.now,
    pid: options.pid,
  });
  if (!locked.success) return fail({ kind: "busy", holder: locked.error.holder });
  const journal = createDaemonJournal({ logger: options.logger, now: options.now });
  let database: Database;
  try {
    database = openCatalogForWriting(options.catalogPath, {
      now: options.now,
      ...(options.noWal === undefined ? {} : { noWal: options.noWal }),
      onRebuild: (problem, movedTo) =>
        journal.log("warn", "catalog unusable; moved aside and rebuilding", {
          path: options.catalogPath,
          cause: problem.message,
          moved_to: movedTo,
        }),
    });
  } catch (error) {
    locked.data.release();
    throw error;
  }
  const loop = createLoop(options, locked.data, database, journal);
  const ready = begin(loop);
  return ok({
    ready,
    status: () => buildDaemonStatus(loop),
    reload: (roots) => reloadRoots(loop, roots),
    rescan: () => {
      enqueue(loop, { kind: "reconcile", reason: "rescan" });
      return "reconcile queued";
    },
    scan: async (scan) => scanForRequester(loop, { ...scan, purpose: "scan" }),
    addRoot: async (root) => ready.then(() => addRoot(loop, root)),
    removeRoot: async (root) => ready.then(() => removeRoot(loop, root)),
    stop: (deadlineMs = 3500) => {
      loop.stopping ??= stopLoop(loop, deadlineMs);
      return loop.stopping;
    },
    withCatalog: (work) => work(loop.database),
  });
}
