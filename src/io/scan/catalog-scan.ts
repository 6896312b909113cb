import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import type { ReconcilePlan, ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import { ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import { unsyncedScanWrites } from "../catalog/catalog-db.ts";
import {
  applyCatalogChanges,
  DELETE_BATCH,
  deleteCatalogPaths,
  recordScan,
} from "../catalog/catalog-writes.ts";
import { fsPath } from "../fs/fs-path.ts";
import { createTurnTaker } from "../process/loop-turns.ts";
import { planFromWalk } from "./catalog-walk-plan.ts";
import { locationUnder } from "./checkpoint-location.ts";
import type { AssembleCheckpoint, ReadOutcome } from "./index-one.ts";
import { ReadWorkers } from "./read-workers.ts";
import { ScanReads } from "./scan-reads.ts";
import type { ScanSummary } from "./scan-summary.ts";
import { aliasRow } from "./store-indexed.ts";

export type ScanOptions = {
  /** Absolute paths of directories or checkpoints. */
  readonly roots: readonly string[];
  /** @default true */
  readonly recursive?: boolean;
  /** Follow symlinks out of the roots too (`--follow-symlinks`). @default false */
  readonly followSymlinks?: boolean;
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  /** @default the metadata pipeline; a custom one runs on the main thread only (no workers) */
  readonly assemble?: AssembleCheckpoint;
  /** Worker threads for reading. @default cores − 1 */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Sidecars that could not be written or were kept invalid, walk problems: one line each. */
  readonly onWarning?: (message: string) => void;
  /** Each checkpoint read in this scan, as stored (the daemon logs sidecar writes and unsafe files from it). */
  readonly onRead?: (outcome: ReadOutcome) => void;
  /** Each row dropped because its checkpoint is gone (the daemon removes the sidecar it wrote for it). */
  readonly onRemoved?: (path: string) => void;
  /**
   * The daemon is stopping: no read is started after the walk or after the batches in flight; what was read is
   * stored, and the scan throws the signal's reason instead of recording itself as done.
   */
  readonly signal?: AbortSignal;
};

/**
 * Moves renamed rows and, with `--sidecars write`, gives the new name the sidecar it lacks. A renamed checkpoint
 * whose metadata lived only in a sidecar that is gone too is read again instead; those files are returned.
 */
async function applyRenames(
  database: Database,
  plan: ReconcilePlan,
  options: ScanOptions,
): Promise<{ readonly written: number; readonly reread: readonly ScannedFile[] }> {
  let written = 0;
  // Loaded only when needed: a rescan that finds nothing changed never loads the YAML writer.
  if (plan.renamed.length === 0 && plan.aliases.length === 0) return { written: 0, reread: [] };
  const writing = plan.renamed.length > 0 && options.sidecars === "write";
  const policy = writing ? await import("../sidecar/sidecar-write-policy.ts") : null;
  const ownSidecars = writing ? await import("../sidecar/own-sidecar-removal.ts") : null;
  const stored = plan.renamed.length > 0 ? await import("../catalog/catalog-stored-metadata.ts") : null;
  const reread: ScannedFile[] = [];
  const rereadFrom: string[] = [];
  const renames = plan.renamed.flatMap(({ from, file }) => {
    const kept = stored?.lookUpStoredMetadata(database, from) ?? { metadata: null, lost: false };
    if (kept.lost) {
      reread.push(file);
      rereadFrom.push(from);
      return [];
    }
    const location = locationUnder(file, options.roots);
    const metadata =
      kept.metadata === null ? null : { ...kept.metadata, checkpoint_path: location.relativePath };
    let wrote = false;
    const sidecar = ownSidecarPath(file);
    // `best.ckpt` → `best.pt` keeps `best.metadata.yaml`: when ckpt wrote it, it must now name the new file.
    const refresh =
      file.sidecar_present &&
      sidecar === ownSidecarPath({ path: from, kind: file.kind }) &&
      isWrittenByCkpt(kept.metadata);
    const result =
      policy === null || metadata === null
        ? null
        : policy.writeSidecarByPolicy(file, metadata, {
            scanRoot: location.root,
            mode: options.sidecars,
            // A sidecar of the new name's own is not the old name's to refresh.
            onDisk: !file.sidecar_present ? "none" : refresh ? "ours" : "theirs",
            overwrite: "ours",
          });
    if (result !== null) {
      wrote = result.success;
      if (result.success) written++;
      else options.onWarning?.(result.error.message);
      // Moved to another directory: ckpt's sidecar left behind would describe nothing.
      if (result.success && !refresh && !existsSync(fsPath(from)))
        ownSidecars?.removeOwnSidecar(from, file.kind === "file" ? "file" : "directory");
    }
    return [{ from, file: { ...file, sidecar_present: file.sidecar_present || wrote }, metadata }];
  });
  applyCatalogChanges(database, {
    renames,
    removed: rereadFrom,
    now: options.now(),
    upserts: plan.aliases.map(({ file }) => aliasRow(file, options.now())),
  });
  return { written, reread };
}

/**
 * Drops the rows of checkpoints that are gone, a batch per transaction with a turn of the event loop between: a
 * tree of 200k deleted while nobody watched was one transaction of 8 s, and no signal could be heard meanwhile.
 */
async function removeVanished(database: Database, paths: readonly string[], options: ScanOptions) {
  const turns = createTurnTaker();
  for (let start = 0; start < paths.length; start += DELETE_BATCH) {
    deleteCatalogPaths(database, paths.slice(start, start + DELETE_BATCH));
    await turns.maybeTurn();
    options.signal?.throwIfAborted();
  }
}

/**
 * The incremental scan: walk, compare with the catalog, re-read only what changed (in parallel), drop what is
 * gone. The caller holds the catalog lock. The daemon's reconcile pass calls this too.
 */
export async function scanCatalog(database: Database, options: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  // Started while the walk still runs, once it has found enough to read: they load the reader meanwhile.
  const workers = new ReadWorkers({
    requested: options.assemble === undefined ? options.workers : 0,
    ...(options.onWarning === undefined ? {} : { onFailure: options.onWarning }),
  });
  try {
    using _writes = unsyncedScanWrites(database);
    return await scanWith(database, options, { started, workers });
  } finally {
    workers.terminate();
  }
}

async function scanWith(
  database: Database,
  options: ScanOptions,
  context: { readonly started: number; readonly workers: ReadWorkers },
): Promise<ScanSummary> {
  const { started, workers } = context;
  const reads = new ScanReads({ database, options, workers });
  const walked = await planFromWalk(database, options.roots, {
    recursive: options.recursive ?? true,
    followSymlinks: options.followSymlinks ?? false,
    backfillSidecars: options.sidecars === "write",
    onReadsFound: (found) => workers.grow(found),
    onNewFiles: (files) => reads.addDuringWalk(files),
    signal: options.signal,
  }).catch((error: unknown) => {
    // Stopping during the walk: what was read meanwhile is stored all the same.
    reads.flush();
    throw error;
  });
  const { plan, problems } = walked;
  for (const problem of problems) if (problem.code !== "ENOENT") options.onWarning?.(problem.message);
  const renamed = await applyRenames(database, plan, options);
  await removeVanished(database, plan.removed, options);
  if (options.onRemoved !== undefined) for (const path of plan.removed) options.onRemoved(path);
  await reads.finish([...plan.read.map(({ file }) => file), ...renamed.reread]);
  options.signal?.throwIfAborted();
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  recordScan(database, { at: new Date(options.now()).toISOString(), seconds, roots: options.roots });
  return summaryOf(plan, { reads, renamedWritten: renamed.written, seconds });
}

function summaryOf(
  plan: ReconcilePlan,
  outcome: { readonly reads: ScanReads; readonly renamedWritten: number; readonly seconds: number },
): ScanSummary {
  const { reads, seconds } = outcome;
  const failed = new Set(reads.failures.map((failure) => failure.path));
  const count = (reason: "added" | "changed") =>
    plan.read.filter((item) => item.reason === reason && !failed.has(item.file.path)).length +
    plan.aliases.filter((item) => item.reason === reason).length;
  return {
    added: count("added"),
    updated: count("changed") + plan.renamed.length,
    removed: plan.removed.length,
    unchanged: plan.unchanged,
    failed: reads.failures.length,
    seconds,
    sidecars_written: reads.written + outcome.renamedWritten,
    sidecars_missing: reads.missing,
    failures: reads.failures.map((failure) => failure.message),
  };
}
