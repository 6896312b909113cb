import type { Database } from "bun:sqlite";
import { assertNever } from "../core/assert-never.ts";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { PathIdentity } from "../core/daemon/settle-plan.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import type { PendingRemovals } from "./path-removals.ts";
import { logReadOutcome } from "./read-outcome-log.ts";
import type { RootScan, ScanWaiters } from "./root-scan.ts";
import type { WorkItem, WorkPriority } from "./work-queue.ts";

// The reader, the metadata pipeline and the sidecar code load with the first job that reads or writes one: a
// daemon started on a tree where nothing changed reconciles without them (a few MB less at its start-up peak).
const indexing = () => import("./index-checkpoint.ts");
const reassembly = () => import("./run-reassembly.ts");
const scanning = () => import("./scan-jobs.ts");
const removing = () => import("./path-removals.ts");

/** `add`: the catch-up of a root `ckpt watch --add` gave the running daemon. */
export const RECONCILE_REASONS = ["start", "periodic", "reload", "rescan", "add"] as const;
export type ReconcileReason = (typeof RECONCILE_REASONS)[number];

/**
 * One unit of the daemon's work; the queue coalesces by key. Removals are one job for every path waiting in
 * `JobContext.removals`: a burst of them is a few transactions, not one job per file.
 */
export type DaemonJob =
  | { readonly kind: "index"; readonly path: string; readonly identity?: PathIdentity }
  | { readonly kind: "removals" }
  | { readonly kind: "metrics"; readonly file: string }
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
  readonly now: () => number;
  readonly roots: () => readonly string[];
  readonly scanRootOf: (path: string) => string;
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
      : job.kind === "reconcile" || job.kind === "scan"
        ? "background"
        : "checkpoint";
  return { key: keyOf(job), priority, reason: job };
}

async function runIndex(context: JobContext, job: Extract<DaemonJob, { kind: "index" }>): Promise<void> {
  const { indexCheckpointPath } = await indexing();
  const result = await indexCheckpointPath(context.database, {
    path: job.path,
    scanRoot: context.scanRootOf(job.path),
    sidecars: context.sidecars,
    now: context.now,
    ...(job.identity === undefined ? {} : { expected: job.identity }),
  });
  switch (result.kind) {
    case "indexed":
      logReadOutcome(context, result.outcome);
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
    default:
      assertNever(result);
  }
}

/** One batch of the waiting removals in one transaction; the job queues itself again while more wait. */
async function runRemovals(context: JobContext): Promise<void> {
  const { removeGonePaths, takeRemovals } = await removing();
  const batch = takeRemovals(context.removals);
  for (const removed of removeGonePaths(context.database, batch, context)) {
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
    scanRootOf: context.scanRootOf,
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

export async function runDaemonJob(context: JobContext, job: DaemonJob): Promise<void> {
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
    default:
      return assertNever(job);
  }
}
