import { lstatSync } from "node:fs";
import { checkpointExtension, isSkippedDirectoryName } from "../../core/discovery/checkpoint-names.ts";
import { isSidecarFileName, isSidecarTempFileName } from "../../core/metadata/sidecar-path.ts";
import { isStripTempName } from "../../core/retention/strip-temp-name.ts";
import { fsPath } from "../fs/fs-path.ts";
import { joinName } from "../scan/walk-paths.ts";
import { DirectoryListings } from "./directory-listings.ts";

/** Log files sit near the run dir (`csv_logs/version_0/metrics.csv`, `wandb/run-…/files/…`): four levels. */
const ACTIVITY_DEPTH = 4;
/** Names looked at per run at most, so a run dir holding a dataset costs a bounded time. */
const ACTIVITY_BUDGET = 2000;

type Walk = { newest: number; budget: number; readonly listings: DirectoryListings };

function visit(directory: string, depth: number, walk: Walk): void {
  for (const [name, type] of walk.listings.of(directory) ?? []) {
    if (--walk.budget < 0) return;
    // The path is made only for what is visited or looked at: not for each of a run's 100 checkpoints.
    if (type.isDirectory()) {
      if (depth > 1 && !isSkippedDirectoryName(name)) visit(joinName(directory, name), depth - 1, walk);
      continue;
    }
    // Checkpoints' times are the catalog's; ckpt's own sidecars and strip temps are no sign of training.
    if (!type.isFile() || checkpointExtension(name) !== null) continue;
    if (isSidecarFileName(name) || isSidecarTempFileName(name) || isStripTempName(name)) continue;
    try {
      walk.newest = Math.max(walk.newest, lstatSync(fsPath(joinName(directory, name))).mtimeMs);
    } catch {
      // Vanished: a rotated log; the next look sees its successor.
    }
  }
}

/**
 * Per run directory, the newest change of a file training writes beside its checkpoints (logs, metrics, event
 * files), found within a few levels and a bounded number of names; runs with none are left out. `listings`: the
 * plan's shared directory listings (the checkpoint directories a run holds are listed once for everything).
 */
export function logActivity(
  runDirs: Iterable<string>,
  listings: DirectoryListings = new DirectoryListings(),
): Map<string, number> {
  const activity = new Map<string, number>();
  for (const run of new Set(runDirs)) {
    const walk: Walk = { newest: Number.NEGATIVE_INFINITY, budget: ACTIVITY_BUDGET, listings };
    visit(run, ACTIVITY_DEPTH, walk);
    if (Number.isFinite(walk.newest)) activity.set(run, walk.newest);
  }
  return activity;
}
