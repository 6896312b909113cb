import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { SettlePolicy } from "../core/daemon/settle-plan.ts";
import { fail, ok, type Result } from "../core/result.ts";
import { openCatalogForWriting } from "../io/catalog/catalog-db.ts";
import { type LockHolder, tryLockCatalog } from "../io/catalog/catalog-lock.ts";
import type { Logger } from "../io/process/logger.ts";
import { createDaemonJournal, type DaemonJournal } from "./daemon-journal.ts";
import { createLoop, type Loop } from "./daemon-loop-state.ts";
import { addRoot, reloadRoots, removeRoot, scanForRequester } from "./daemon-roots.ts";
import type { DaemonStatus } from "./daemon-status.ts";
import { buildDaemonStatus } from "./daemon-status-builder.ts";
import { stopLoop } from "./daemon-stop.ts";
import type { EventSourceOptions } from "./event-source.ts";
import { begin, enqueue } from "./loop-dispatch.ts";
import type { RootScan, RootScanResult } from "./root-scan.ts";
import type { StandingRetention } from "./standing-retention.ts";

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

/** The catalog the loop writes, opened under its lock; a damaged one is moved aside and rebuilt (said so). */
function openLoopCatalog(options: DaemonLoopOptions, journal: DaemonJournal): Database {
  return openCatalogForWriting(options.catalogPath, {
    now: options.now,
    ...(options.noWal === undefined ? {} : { noWal: options.noWal }),
    onRebuild: (problem, movedTo) =>
      journal.log("warn", "catalog unusable; moved aside and rebuilding", {
        path: options.catalogPath,
        cause: problem.message,
        moved_to: movedTo,
      }),
  });
}

/** What callers hold of a started loop. */
function handleOf(loop: Loop, ready: Promise<void>): DaemonLoop {
  return {
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
  };
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
    database = openLoopCatalog(options, journal);
  } catch (error) {
    locked.data.release();
    throw error;
  }
  const loop = createLoop(options, locked.data, database, journal);
  return ok(handleOf(loop, begin(loop)));
}
