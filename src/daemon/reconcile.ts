import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { CatalogFacts } from "../io/catalog/catalog-facts.ts";
import { checkpointDirectoryPaths } from "../io/catalog/sqlite-path-reads.ts";
import { scanCatalog } from "../io/scan/catalog-scan.ts";
import type { ReadOutcome } from "../io/scan/index-one.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import { directoryKey } from "../io/scan/walk-paths.ts";
import { removeStaleSidecarTemps } from "../io/sidecar/sidecar-temps.ts";

export type ReconcileOptions = {
  readonly roots: readonly string[];
  readonly sidecars: SidecarMode;
  /** Follow symlinks out of the roots too. @default false */
  readonly followSymlinks?: boolean;
  readonly now: () => number;
  /** Read workers for a large catch-up. @default the scan's default */
  readonly workers?: number;
  readonly onWarning: (message: string) => void;
  readonly onRead: (outcome: ReadOutcome) => void;
  /** Also delete sidecar temp files a killed writer left (done once, at start). @default false */
  readonly removeTemps?: boolean;
  /** The daemon is stopping: the scan ends early (see `ScanOptions.signal`). */
  readonly signal?: AbortSignal;
};

export type ReconcileResult = {
  readonly summary: ScanSummary;
  readonly tempsRemoved: readonly string[];
  /** Sidecars ckpt wrote for checkpoints deleted while nobody watched, removed as a deletion event would. */
  readonly sidecarsRemoved: readonly { readonly sidecar: string; readonly checkpoint: string }[];
};

/** A sidecar temp older than this has no live writer: ours take milliseconds, and we hold the catalog lock. */
const STALE_TEMP_MS = 1000;

/**
 * Directories that hold catalogued checkpoints (and the directory checkpoints themselves): where sidecars live.
 * From the `dir` index, a name per directory: never a row per checkpoint (100k of them at the daemon's start).
 */
function sidecarDirectories(database: Database, roots: readonly string[]): Set<string> {
  const facts = new CatalogFacts(database);
  const directories = new Set<string>();
  for (const root of roots.map(directoryKey)) {
    for (const directory of facts.directoriesUnder(root)) directories.add(directory);
    // A root that is itself a checkpoint has its sidecar beside it.
    if (facts.rowAt(root) !== null) directories.add(dirname(root));
  }
  for (const path of checkpointDirectoryPaths(database, roots)) directories.add(path);
  return directories;
}

function removeTemps(database: Database, options: ReconcileOptions): string[] {
  const removed: string[] = [];
  for (const directory of sidecarDirectories(database, options.roots))
    removed.push(...removeStaleSidecarTemps(directory, { olderThanMs: STALE_TEMP_MS, now: options.now }));
  return removed;
}

/**
 * ckpt's sidecars of checkpoints that are gone. A directory checkpoint's sidecar is inside it and went with it; a
 * file's is beside it. The sidecar code loads only when there is something to remove.
 */
async function removeOwnSidecars(gone: readonly string[]): Promise<ReconcileResult["sidecarsRemoved"]> {
  if (gone.length === 0) return [];
  const { removeOwnSidecar } = await import("../io/sidecar/own-sidecar-removal.ts");
  // A tree of 200k deleted at once: its directories went too, with the sidecars in them. A stat per directory,
  // not two failed look-ups per checkpoint (3 s).
  const present = new Map<string, boolean>();
  const directoryThere = (path: string): boolean => {
    const directory = dirname(path);
    const known = present.get(directory) ?? existsSync(directory);
    present.set(directory, known);
    return known;
  };
  return gone.flatMap((checkpoint) => {
    if (!directoryThere(checkpoint) || existsSync(checkpoint)) return [];
    const sidecar = removeOwnSidecar(checkpoint, "file");
    return sidecar === null ? [] : [{ sidecar, checkpoint }];
  });
}

/**
 * The catch-up pass: the incremental scan over every root (new, changed and deleted checkpoints since the catalog
 * last looked: while the daemon was down, or an event that inotify dropped), and at start the removal of sidecar
 * temp files that a killed daemon left beside the checkpoints. The caller holds the catalog lock.
 */
export async function reconcileRoots(
  database: Database,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const before = options.removeTemps === true ? removeTemps(database, options) : [];
  const gone: string[] = [];
  const summary = await scanCatalog(database, {
    onRemoved: (checkpoint) => {
      if (options.sidecars === "write") gone.push(checkpoint);
    },
    roots: options.roots,
    sidecars: options.sidecars,
    followSymlinks: options.followSymlinks ?? false,
    now: options.now,
    onWarning: options.onWarning,
    onRead: options.onRead,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const after = options.removeTemps === true ? removeTemps(database, options) : [];
  return { summary, tempsRemoved: [...before, ...after], sidecarsRemoved: await removeOwnSidecars(gone) };
}
