import type { Database } from "bun:sqlite";
import { assertNever } from "../core/assert-never.ts";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { PathIdentity } from "../core/daemon/settle-plan.ts";
import type { ReadOutcome } from "../io/catalog-entry-reader.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import { reconcileRoots } from "./reconcile.ts";
import type { WorkItem, WorkPriority } from "./work-queue.ts";

// The reader, the metadata pipeline and the sidecar code load with the first job that reads or writes one: a
// daemon started on a tree where nothing changed reconciles without them (a few MB less at its start-up peak).
const indexing = () => import("./index-checkpoint.ts");
const reassembly = () => import("./run-reassembly.ts");

export const RECONCILE_REASONS = ["start", "periodic", "reload", "rescan"] as const;
export type ReconcileReason = (typeof RECONCILE_REASONS)[number];

/** One unit of the daemon's work; the queue coalesces by `jobKey`, so an index and a removal of a path merge. */
export type DaemonJob =
  | { readonly kind: "index"; readonly path: string; readonly identity?: PathIdentity }
  | { readonly kind: "remove"; readonly path: string }
  | { readonly kind: "metrics"; readonly file: string }
  | { readonly kind: "reconcile"; readonly reason: ReconcileReason };

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
  readonly reconcileWorkers?: number;
  readonly counters: { indexed: number; reconciles: number; lastReconcile: LastReconcile | null };
};

export function workItemOf(job: DaemonJob): WorkItem<DaemonJob> {
  const priority: WorkPriority =
    job.kind === "metrics" ? "metrics" : job.kind === "reconcile" ? "background" : "checkpoint";
  const key =
    job.kind === "reconcile"
      ? "reconcile"
      : job.kind === "metrics"
        ? `metrics:${job.file}`
        : `path:${job.path}`;
  return { key, priority, reason: job };
}

/** One line per checkpoint read, a line per sidecar written, and each problem once with its path. */
export function logReadOutcome(context: JobContext, outcome: ReadOutcome): void {
  const { entry, wrote, warning } = outcome;
  const { journal } = context;
  context.counters.indexed++;
  const primary = entry.primary_metric;
  journal.log("info", "checkpoint indexed", {
    path: entry.path,
    status: entry.status,
    epoch: entry.epoch ?? undefined,
    step: entry.global_step ?? undefined,
    metric: primary?.name,
    value: primary?.value ?? undefined,
  });
  if (wrote !== null)
    journal.log("info", "sidecar written", {
      path: wrote,
      checkpoint: entry.path,
      size: entry.metadata?.ckpt?.file?.size ?? entry.size,
    });
  if (warning !== null)
    journal.once(`sidecar:${entry.path}`, "warn", "sidecar problem", { path: entry.path, cause: warning });
  if (entry.status === "unsafe") {
    const dangerous = entry.metadata?.ckpt?.safety?.dangerous ?? [];
    journal.once(
      `unsafe:${entry.path}:${entry.size}`,
      "warn",
      "unsafe checkpoint: its pickle would run code on load (not executed)",
      {
        path: entry.path,
        globals: dangerous.join(",") || undefined,
      },
    );
  } else if (entry.status === "incomplete") {
    // A reconcile met a file still being written: settle it, and it is indexed once it is complete. Settling
    // logs "checkpoint being written" at its first incomplete look, so this is detail.
    journal.log("debug", "file incomplete, waiting", { path: entry.path, cause: entry.problem ?? undefined });
    context.renotice(entry.path);
  } else if (entry.status !== "ok")
    journal.once(`status:${entry.path}:${entry.size}`, "warn", "checkpoint not readable", {
      path: entry.path,
      status: entry.status,
      cause: entry.problem ?? undefined,
    });
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
      await runRemove(context, job.path);
      return;
    case "changed":
      context.renotice(job.path);
      return;
    default:
      assertNever(result);
  }
}

async function runRemove(context: JobContext, path: string): Promise<void> {
  const { removeCatalogPath } = await indexing();
  const removed = removeCatalogPath(context.database, path, {
    now: context.now(),
    sidecars: context.sidecars,
  });
  if (removed.rows > 0 || removed.sidecarRemoved !== null)
    context.journal.log("info", "checkpoint removed", {
      path,
      rows: removed.rows,
      sidecar: removed.sidecarRemoved ?? undefined,
    });
  for (const alias of removed.orphanedAliases) context.enqueue({ kind: "index", path: alias });
}

async function runMetrics(context: JobContext, file: string): Promise<void> {
  const { reassembleRunMetrics } = await reassembly();
  const result = await reassembleRunMetrics(context.database, {
    metricFile: file,
    sidecars: context.sidecars,
    now: context.now,
    scanRootOf: context.scanRootOf,
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

/** Walk problems start with the path they are about. */
function pathOfMessage(message: string): string | undefined {
  return /^(\/[^:]*): /.exec(message)?.[1];
}

async function runReconcile(context: JobContext, reason: ReconcileReason): Promise<void> {
  // The scan reports a read's sidecar warning both with the read and on its own: log it once, with the read.
  const fromReads = new Set<string>();
  const { summary, tempsRemoved, sidecarsRemoved } = await reconcileRoots(context.database, {
    roots: context.roots(),
    sidecars: context.sidecars,
    now: context.now,
    // Only a writer sweeps temp files: with `--sidecars read`/`off` ckpt changes nothing in the user's tree.
    removeTemps: reason === "start" && context.sidecars === "write",
    ...(context.reconcileWorkers === undefined ? {} : { workers: context.reconcileWorkers }),
    onWarning: (message) => {
      if (!fromReads.has(message))
        context.journal.once(`walk:${message}`, "warn", "scan problem", {
          path: pathOfMessage(message),
          cause: message,
        });
    },
    onRead: (outcome) => {
      if (outcome.warning !== null) fromReads.add(outcome.warning);
      logReadOutcome(context, outcome);
    },
  });
  for (const path of tempsRemoved) context.journal.log("info", "stale sidecar temp removed", { path });
  for (const { sidecar, checkpoint } of sidecarsRemoved)
    context.journal.log("info", "sidecar of a deleted checkpoint removed", { path: sidecar, checkpoint });
  for (const failure of summary.failures)
    context.journal.once(`read:${failure}`, "error", "read failed", { cause: failure });
  context.counters.reconciles++;
  context.counters.lastReconcile = {
    at: context.now(),
    seconds: summary.seconds,
    added: summary.added,
    updated: summary.updated,
    removed: summary.removed,
  };
  // A reconcile of a 100k tree leaves its walk and row records behind as garbage: give the memory back before
  // the daemon idles for minutes, instead of keeping the scan's high-water mark as its resident size.
  context.database.run("PRAGMA shrink_memory");
  Bun.gc(true);
  const level =
    summary.added + summary.updated + summary.removed > 0 || reason !== "periodic" ? "info" : "debug";
  context.journal.log(level, "reconciled", {
    reason,
    added: summary.added,
    updated: summary.updated,
    removed: summary.removed,
    unchanged: summary.unchanged,
    seconds: summary.seconds,
  });
}

export async function runDaemonJob(context: JobContext, job: DaemonJob): Promise<void> {
  switch (job.kind) {
    case "index":
      return runIndex(context, job);
    case "remove":
      return runRemove(context, job.path);
    case "metrics":
      return runMetrics(context, job.file);
    case "reconcile":
      return runReconcile(context, job.reason);
    default:
      return assertNever(job);
  }
}
