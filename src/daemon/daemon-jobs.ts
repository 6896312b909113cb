import type { Database } from "bun:sqlite";
import { assertNever } from "../core/assert-never.ts";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { PathIdentity } from "../core/daemon/settle-plan.ts";
import { isCorruptionError } from "../io/catalog/catalog-db.ts";
import { CatalogWriteError } from "../io/catalog/catalog-write-error.ts";
import { rootScopeOf } from "../io/scan/root-scope.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import type { PendingRemovals } from "./path-removals.ts";
import { logReadOutcome, noteSidecarOutcome } from "./read-outcome-log.ts";
import type { RetryTimers } from "./retry-timers.ts";
import type { RootScan, ScanWaiters } from "./root-scan.ts";
import type { StandingRetention } from "./standing-retention.ts";
import type { WorkItem, WorkPriority } from "./work-queue.ts";

// The reader, the metadata pipeline and the sidecar code load with the first job that reads or writes one: a
// daemon started on a tree where nothing changed reconciles without them (a few MB less at its start-up peak).
const indexing = () => import("./index-checkpoint.ts");
const reassembly = () => import("./run-reassembly.ts");
const scanning = () => import("./scan-jobs.ts");
const removing = () => import("./path-removals.ts");
const retaining = () => import("./standing-retention.ts");

/** `add`: the catch-up of a root `ckpt watch --add` gave the running daemon. */
export const RECONCILE_REASONS = ["start", "periodic", "reload", "rescan", "add"] as const;
export type ReconcileReason = (typeof RECONCILE_REASONS)[number];

/**
 * One unit of the daemon's work; the queue coalesces by key. Removals are one job for every path waiting in
 * `JobContext.removals`: a burst of them is a few transactions, not one job per file.
 */
export type DaemonJob =
  | {
      readonly kind: "index";
      readonly path: string;
      readonly identity?: PathIdentity;
      /** Another try at a sidecar that could not be written: quiet unless it is written now. */
      readonly sidecarRetry?: boolean;
      /** It changed and is incomplete: re-read it only if its row no longer matches (`recheckChanged`). */
      readonly recheck?: boolean;
    }
  | { readonly kind: "removals" }
  | { readonly kind: "metrics"; readonly file: string }
  /** The standing retention policy, for the run a checkpoint just settled in. */
  | { readonly kind: "retain"; readonly path: string; readonly root: string }
  | { readonly kind: "reconcile"; readonly reason: ReconcileReason }
  /** A scan someone waits for; `id` names its waiter in `JobContext.scans`. */
  | { readonly kind: "scan"; readonly id: number; readonly scan: RootScan };

export type LastReconcile = {
  readonly at: number;
  readonly seconds: number;
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
};

/** What the jobs share with the loop. */
export type JobContext = {
  readonly database: Database;
  readonly journal: DaemonJournal;
  readonly sidecars: SidecarMode;
  /** `--follow-symlinks`: paths whose real path leaves the roots are read too. */
  readonly followSymlinks: boolean;
  readonly now: () => number;
  /** The watched roots: a checkpoint's root is the innermost of them holding it (`locationUnder`). */
  readonly roots: () => readonly string[];
  /** Settle a path again (it changed between settling and reading). */
  readonly renotice: (path: string) => void;
  readonly enqueue: (job: DaemonJob) => void;
  /** A path is gone (or may be): it joins `removals`, and the removals job is queued. */
  readonly remove: (path: string) => void;
  readonly removals: PendingRemovals;
  /** Aborted when the daemon stops: long jobs (a reconcile's reads) end at their next step. */
  readonly stopping: AbortSignal;
  readonly reconcileWorkers?: number;
  readonly counters: { indexed: number; reconciles: number; lastReconcile: LastReconcile | null };
  readonly scans: ScanWaiters;
  /** Backoff for writes that failed on the disk (sidecars, the catalog itself). */
  readonly retries: RetryTimers;
  /** `ckpt watch` applies retention policies (its `--retain`, a root's `ckpt.yaml`); the TUI's watcher does not. */
  readonly retention?: StandingRetention;
};

/** The queue key of a path's index job (a removal of the path cancels it). */
export function indexKeyOf(path: string): string {
  return `path:${path}`;
}

function keyOf(job: DaemonJob): string {
  switch (job.kind) {
    case "reconcile":
    case "removals":
      return job.kind;
    case "scan":
      return `scan:${job.id}`;
    case "metrics":
      return `metrics:${job.file}`;
    case "retain":
      return `retain:${job.path.slice(0, job.path.lastIndexOf("/"))}`;
    case "index":
      return indexKeyOf(job.path);
    default:
      return assertNever(job);
  }
}

export function workItemOf(job: DaemonJob): WorkItem<DaemonJob> {
  const priority: WorkPriority =
    job.kind === "metrics"
      ? "metrics"
      : job.kind === "reconcile" || job.kind === "scan" || job.kind === "retain"
        ? "background"
        : "checkpoint";
  return { key: keyOf(job), priority, reason: job };
}

type IndexJob = Extract<DaemonJob, { kind: "index" }>;

/** The index job's read: the full one, or for a recheck only when the row no longer matches (else null). */
async function indexResult(context: JobContext, job: IndexJob) {
  const { indexCheckpointPath, recheckChanged } = await indexing();
  const request = {
    path: job.path,
    roots: context.roots(),
    scope: rootScopeOf(context.roots(), { followSymlinks: context.followSymlinks }),
    sidecars: context.sidecars,
    now: context.now,
    ...(job.identity === undefined ? {} : { expected: job.identity }),
  };
  return job.recheck === true
    ? recheckChanged(context.database, request)
    : indexCheckpointPath(context.database, request);
}

async function runIndex(context: JobContext, job: IndexJob): Promise<void> {
  const result = await indexResult(context, job);
  switch (result?.kind) {
    case undefined:
      return;
    case "indexed":
      if (job.sidecarRetry === true && result.outcome.wrote === null)
        noteSidecarOutcome(context, result.outcome);
      else logReadOutcome(context, result.outcome);
      if (context.retention !== undefined && result.outcome.entry.alias_of === null) {
        const { file, root } = result.location;
        context.enqueue({ kind: "retain", path: file.path, root });
      }
      return;
    case "alias":
      // The link settled first and its target was read through it: that read is logged as the target's own.
      if (result.target !== undefined) logReadOutcome(context, result.target);
      context.counters.indexed++;
      context.journal.log("info", "link indexed", { path: job.path, target: result.of });
      return;
    case "gone":
      context.remove(job.path);
      return;
    case "changed":
      context.renotice(job.path);
      return;
    case "not-a-checkpoint":
      context.journal.log("debug", "not a checkpoint", { path: job.path });
      return;
    case "not-followed":
      context.journal.once(`not-followed:${job.path}`, "warn", "symlink not followed", {
        path: job.path,
        cause: result.message,
      });
      return;
    case "unreadable":
      // Keyed as the reconcile keys its read failures, so the two never log the same file twice.
      context.journal.once(`read:${result.message}`, "error", "read failed", {
        path: job.path,
        cause: result.message,
      });
      return;
    default:
      assertNever(result);
  }
}

/** One batch of the waiting removals in one transaction; the job queues itself again while more wait. */
async function runRemovals(context: JobContext): Promise<void> {
  const { removeGonePaths, takeRemovals } = await removing();
  const batch = takeRemovals(context.removals);
  for (const path of batch) context.retries.succeeded(`sidecar:${path}`);
  let done: ReturnType<typeof removeGonePaths>;
  try {
    done = removeGonePaths(context.database, batch, context);
  } catch (error) {
    // A write the disk refused: the batch waits again for the retry, not for the next reconcile.
    for (const path of batch) context.removals.add(path);
    throw error;
  }
  for (const removed of done) {
    if (removed.rows > 0 || removed.sidecarRemoved !== null)
      context.journal.log("info", "checkpoint removed", {
        path: removed.path,
        rows: removed.rows,
        sidecar: removed.sidecarRemoved ?? undefined,
      });
    for (const alias of removed.orphanedAliases) context.enqueue({ kind: "index", path: alias });
  }
  if (context.removals.size > 0) context.enqueue({ kind: "removals" });
}

async function runMetrics(context: JobContext, file: string): Promise<void> {
  const { reassembleRunMetrics } = await reassembly();
  const result = await reassembleRunMetrics(context.database, {
    metricFile: file,
    sidecars: context.sidecars,
    now: context.now,
    roots: context.roots(),
    signal: context.stopping,
  });
  for (const warning of result.warnings)
    context.journal.once(`metrics:${warning}`, "warn", "sidecar problem", { path: file, cause: warning });
  if (result.checkpoints === 0) return;
  context.journal.log("info", "run metrics updated", {
    path: file,
    checkpoints: result.checkpoints,
    changed: result.changed.length,
    sidecars: result.sidecarsWritten.length,
  });
}

async function runJob(context: JobContext, job: DaemonJob): Promise<void> {
  switch (job.kind) {
    case "index":
      return runIndex(context, job);
    case "removals":
      return runRemovals(context);
    case "metrics":
      return runMetrics(context, job.file);
    case "reconcile":
      return (await scanning()).runReconcile(context, job.reason);
    case "scan":
      return (await scanning()).runRootScan(context, job);
    case "retain":
      if (context.retention !== undefined)
        (await retaining()).applyStandingRetention(context, context.retention, job);
      return;
    default:
      return assertNever(job);
  }
}

/**
 * Runs one job. A catalog write the disk refused (full, read-only) stored nothing: it is logged as an error and
 * the job runs again with backoff, then at the periodic reconcile; a scan someone waits for has told them already.
 */
export async function runDaemonJob(context: JobContext, job: DaemonJob): Promise<void> {
  const key = `catalog:${keyOf(job)}`;
  try {
    await runJob(context, job);
    context.retries.succeeded(key);
    context.journal.clear(key);
  } catch (error) {
    if (isCorruptionError(error)) {
      // Found at start, a damaged catalog is rebuilt; damaged while running, every write fails until a restart.
      context.journal.once("catalog-damaged", "error", "catalog damaged; restart ckpt watch to rebuild it", {
        path: context.database.filename,
        cause: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    if (!(error instanceof CatalogWriteError)) throw error;
    const retryInMs = job.kind === "scan" ? null : context.retries.schedule(key, job);
    const fields = {
      path: job.kind === "index" ? job.path : undefined,
      job: job.kind,
      cause: error.message,
      retry_in_s: retryInMs === null ? undefined : retryInMs / 1000,
    };
    // An error once per job until it succeeds; each further failed retry is detail.
    if (!context.journal.once(key, "error", "catalog write failed; nothing was stored", fields))
      context.journal.log("debug", "catalog write failed again", fields);
  }
}
