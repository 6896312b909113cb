import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { shrinkMemory } from "../io/catalog/catalog-db.ts";
import { scanCatalog } from "../io/scan/catalog-scan.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import type { JobContext, ReconcileReason } from "./daemon-jobs.ts";
import { logReadOutcome } from "./read-outcome-log.ts";
import { reconcileRoots } from "./reconcile.ts";
import type { RootScan, RootScanResult } from "./root-scan.ts";

// The jobs that walk whole roots: the daemon's own reconcile of what it watches, and the scans it runs on request.

/** Walk problems start with the path they are about. */
function pathOfMessage(message: string): string | undefined {
  return /^(\/[^:]*): /.exec(message)?.[1];
}

type ReconcileRequest = {
  readonly roots: readonly string[];
  readonly reason: ReconcileReason;
  readonly sidecars: SidecarMode;
};

/** A reconcile of `roots`, each read, problem and removal logged; returns what it did. */
async function reconcileAndLog(context: JobContext, request: ReconcileRequest): Promise<RootScanResult> {
  // The scan reports a read's sidecar warning both with the read and on its own: log it once, with the read.
  const fromReads = new Set<string>();
  const warnings: string[] = [];
  const { summary, tempsRemoved, sidecarsRemoved } = await reconcileRoots(context.database, {
    roots: request.roots,
    sidecars: request.sidecars,
    followSymlinks: context.followSymlinks,
    now: context.now,
    // Only a writer sweeps temp files: with `--sidecars read`/`off` ckpt changes nothing in the user's tree.
    removeTemps: request.reason === "start" && request.sidecars === "write",
    ...(context.reconcileWorkers === undefined ? {} : { workers: context.reconcileWorkers }),
    signal: context.stopping,
    onWarning: (message) => {
      warnings.push(message);
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
  const changed = summary.added + summary.updated + summary.removed > 0;
  context.journal.log(changed || request.reason !== "periodic" ? "info" : "debug", "reconciled", {
    reason: request.reason,
    roots: request.reason === "add" ? request.roots.join(",") : undefined,
    ...counts(summary),
  });
  return { summary, warnings };
}

function counts(summary: ScanSummary) {
  const { added, updated, removed, unchanged, failed, seconds } = summary;
  return { added, updated, removed, unchanged, failed: failed > 0 ? failed : undefined, seconds };
}

/** A walk of a 100k tree leaves its records behind as garbage: give the memory back before the daemon idles. */
function releaseScanMemory(context: JobContext): void {
  shrinkMemory(context.database);
  Bun.gc(true);
}

/** The reconcile of every watched root: at start, periodically, on SIGHUP and on `rescan`. */
export async function runReconcile(context: JobContext, reason: ReconcileReason): Promise<void> {
  const { summary } = await reconcileAndLog(context, {
    roots: context.roots(),
    reason,
    sidecars: context.sidecars,
  });
  context.counters.reconciles++;
  context.counters.lastReconcile = {
    at: context.now(),
    seconds: summary.seconds,
    added: summary.added,
    updated: summary.updated,
    removed: summary.removed,
  };
  releaseScanMemory(context);
}

/** `ckpt scan DIR` of a directory the daemon does not watch: the one-shot scan, as `ckpt scan` runs it. */
async function scanOnRequest(context: JobContext, scan: RootScan): Promise<RootScanResult> {
  const warnings: string[] = [];
  // Nobody watches these directories: a file still being written is reported as such, not followed.
  const unwatched: JobContext = { ...context, renotice: () => {} };
  const summary = await scanCatalog(context.database, {
    roots: scan.roots,
    recursive: scan.recursive,
    followSymlinks: scan.followSymlinks,
    sidecars: scan.sidecars,
    now: context.now,
    signal: context.stopping,
    onRead: (outcome) => logReadOutcome(unwatched, outcome),
    onWarning: (message) => warnings.push(message),
  });
  context.journal.log("info", "scanned on request", {
    roots: scan.roots.join(","),
    sidecars: scan.sidecars,
    ...counts(summary),
  });
  return { summary, warnings };
}

/** A scan someone waits for (see `root-scan.ts`); its result, or why it failed, goes to them. */
export async function runRootScan(context: JobContext, job: { id: number; scan: RootScan }): Promise<void> {
  try {
    const result =
      job.scan.purpose === "catch-up"
        ? await reconcileAndLog(context, {
            roots: job.scan.roots,
            reason: "add",
            sidecars: job.scan.sidecars,
          })
        : await scanOnRequest(context, job.scan);
    context.scans.finish(job.id, { success: true, data: result });
    releaseScanMemory(context);
  } catch (error) {
    context.scans.finish(job.id, {
      success: false,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
