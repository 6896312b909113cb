import type { Database } from "bun:sqlite";
import { lstatSync } from "node:fs";
import { dirname } from "node:path";
import type { RetentionDecision } from "../../core/retention/retention-plan.ts";
import { CatalogWriteError } from "../catalog/catalog-write-error.ts";
import { deleteCatalogPaths } from "../catalog/catalog-writes.ts";
import { fsPath, realPathSync } from "../fs/fs-path.ts";
import { randomHex } from "../fs/private-file.ts";
import { isWithin } from "../scan/walk-paths.ts";
import { ownSidecarOf } from "../sidecar/own-sidecar-removal.ts";
import { TrashPlaces } from "./trash-places.ts";
import { discardItem, moveIntoTrash, recoverTrash } from "./trash-store.ts";

/** A checkpoint the plan deletes, with the root it was found under and the bytes it frees. */
export type PruneTarget = {
  readonly decision: RetentionDecision;
  readonly root: string;
  readonly bytes: number;
};

export type PruneOutcome =
  | {
      readonly kind: "removed";
      readonly path: string;
      readonly sidecar: string | null;
      readonly bytes: number;
    }
  | { readonly kind: "failed"; readonly path: string; readonly message: string };

export type PruneExecution = {
  readonly mode: "trash" | "delete";
  readonly now: () => number;
  /** Each outcome as it happens, so a long prune reports progress. */
  readonly onOutcome?: (outcome: PruneOutcome) => void;
};

/** Why a path must not be touched: outside its root, a symlink, or reached through a symlink out of the root. */
function refusal(path: string, root: string): string | null {
  if (!isWithin(path, root) || path === root) return `${path}: not under ${root}; left alone`;
  try {
    if (lstatSync(fsPath(path)).isSymbolicLink()) return `${path}: a symlink; prune never removes links`;
    if (!isWithin(realPathSync(dirname(path)), realPathSync(root)))
      return `${path}: reached through a symlink leading out of ${root}; left alone`;
  } catch (error) {
    return `${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

function removeOne(
  database: Database,
  target: PruneTarget,
  execution: PruneExecution & { readonly places: TrashPlaces },
): PruneOutcome {
  const { entry, run, reason } = target.decision;
  const refused = refusal(entry.path, target.root);
  if (refused !== null) return { kind: "failed", path: entry.path, message: refused };
  const kind = entry.kind === "file" ? "file" : "directory";
  const now = execution.now();
  const manifest = {
    version: 1 as const,
    id: `${now}-${randomHex(6)}`,
    mode: execution.mode,
    original: entry.path,
    kind,
    sidecar: kind === "file" ? ownSidecarOf(entry.path, kind) : null,
    run,
    bytes: target.bytes,
    reason,
    trashed_at: now,
  } as const;
  const moved = moveIntoTrash(execution.places.dirFor(entry.path, target.root), manifest);
  if (!moved.success) return { kind: "failed", path: entry.path, message: moved.error };
  deleteCatalogPaths(database, [entry.path]);
  if (execution.mode === "delete") discardItem(moved.data);
  return { kind: "removed", path: entry.path, sidecar: manifest.sidecar, bytes: target.bytes };
}

/**
 * Removes each target with its own sidecar and catalog row, one at a time, each through the trash's manifest
 * (see `moveIntoTrash`), so an interruption leaves every checkpoint whole where it was or whole in the trash,
 * and `finishInterruptedPrunes` completes it. A failure on one (permissions, another filesystem) is reported and
 * the rest goes on.
 */
export function executePrune(
  database: Database,
  targets: readonly PruneTarget[],
  execution: PruneExecution,
): PruneOutcome[] {
  const places = new TrashPlaces();
  return targets.map((target) => {
    let outcome: PruneOutcome;
    try {
      outcome = removeOne(database, target, { ...execution, places });
    } catch (error) {
      // The catalog cannot record it: stop; the item waits in the trash for the next prune to finish it.
      if (error instanceof CatalogWriteError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      outcome = {
        kind: "failed",
        path: target.decision.entry.path,
        message: `${target.decision.entry.path}: ${message}`,
      };
    }
    execution.onOutcome?.(outcome);
    return outcome;
  });
}

/** Completes prunes a kill interrupted under these roots: moved checkpoints lose their rows, the rest is undone. */
export function finishInterruptedPrunes(database: Database, roots: readonly string[]): { finished: number } {
  const places = new TrashPlaces();
  const committed = roots.flatMap((root) =>
    places.dirsUnder(root).flatMap((trash) => recoverTrash(trash).committed),
  );
  if (committed.length > 0) deleteCatalogPaths(database, committed);
  return { finished: committed.length };
}
