import type { Database } from "bun:sqlite";
import { existsSync, lstatSync } from "node:fs";
import { dirname } from "node:path";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { CatalogFacts } from "../io/catalog/catalog-facts.ts";
import { DELETE_BATCH, deleteCatalogPaths } from "../io/catalog/catalog-writes.ts";
import { fsPath } from "../io/fs/fs-path.ts";
import { removeOwnSidecar } from "../io/sidecar/own-sidecar-removal.ts";

/**
 * Paths removal events named, waiting for the next removal batch. A burst (`rm -rf` of a run, top-k rotation)
 * becomes a few transactions, not one job and one transaction per file.
 */
export type PendingRemovals = Set<string>;

export type RemovedPath = {
  readonly path: string;
  /** Catalog rows dropped: the path's, every row under it, and aliases of those no longer on disk. */
  readonly rows: number;
  /** Our sidecar that went with the checkpoint. */
  readonly sidecarRemoved: string | null;
  /** Hard links or symlinks of a removed checkpoint that are still there: index them as checkpoints now. */
  readonly orphanedAliases: readonly string[];
};

/** Takes up to `max` paths out of `pending`, oldest first. */
export function takeRemovals(pending: PendingRemovals, max = DELETE_BATCH): string[] {
  const batch: string[] = [];
  for (const path of pending) {
    if (batch.length >= max) break;
    batch.push(path);
    pending.delete(path);
  }
  return batch;
}

function exists(path: string): boolean {
  try {
    lstatSync(fsPath(path));
    return true;
  } catch {
    return false;
  }
}

function hasAncestorIn(path: string, gone: ReadonlySet<string>): boolean {
  for (let child = path, parent = dirname(path); parent !== child; child = parent, parent = dirname(parent))
    if (gone.has(parent)) return true;
  return false;
}

/**
 * The paths of `batch` that are gone from disk, less those below another gone one (its rows go with the directory's
 * range). A path that exists (a temp file was renamed over it since) is left alone.
 */
function gonePaths(batch: readonly string[]): string[] {
  const gone = new Set<string>();
  // Shorter first: a directory is decided before the paths below it, which then need no stat.
  for (const path of [...batch].sort((a, b) => a.length - b.length))
    if (!hasAncestorIn(path, gone) && !exists(path)) gone.add(path);
  return [...gone];
}

/**
 * Drops paths that are gone from disk (top-k rotation, `save_total_limit`, `rm -rf` of a run): our sidecar beside
 * a catalogued checkpoint file first (with `--sidecars write`; a directory checkpoint's sidecar was inside it), so
 * a row that is gone never leaves ckpt's sidecar behind; then, in one catalog transaction, each path's row, rows
 * under it and aliases of them.
 */
export function removeGonePaths(
  database: Database,
  batch: readonly string[],
  options: { readonly sidecars: SidecarMode },
): RemovedPath[] {
  const gone = gonePaths(batch);
  const facts = new CatalogFacts(database);
  // With `--sidecars read` or `off` ckpt leaves sidecars on disk alone, its own included.
  const sidecars = new Map(
    options.sidecars !== "write"
      ? []
      : gone.flatMap((path) =>
          facts.rowAt(path)?.kind === "file" ? [[path, removeOwnSidecar(path, "file")]] : [],
        ),
  );
  return deleteCatalogPaths(database, gone).map(({ path, rows, aliases }) => {
    const orphanedAliases = aliases.filter((alias) => existsSync(fsPath(alias)));
    const sidecarRemoved = sidecars.get(path) ?? null;
    return { path, rows: rows - orphanedAliases.length, sidecarRemoved, orphanedAliases };
  });
}
