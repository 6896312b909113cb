import { unlinkSync } from "node:fs";
import { basename } from "node:path";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import { type CheckpointKind, sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import { fsPath } from "../fs/fs-path.ts";
import { readSidecar } from "./sidecar-store.ts";

/**
 * The sidecar ckpt wrote (generator `ckpt`) for this very checkpoint, or null: `best.ckpt` and `best.pt` share
 * `best.metadata.yaml`, so the sidecar's own `checkpoint_path` must name this one. Anyone else's sidecar is not.
 */
export function ownSidecarOf(checkpointPath: string, kind: CheckpointKind): string | null {
  const sidecar = sidecarPathFor(checkpointPath, { kind });
  const read = readSidecar(sidecar);
  if (!read.success) return null;
  const metadata = read.data.data;
  if (metadata === undefined || !isWrittenByCkpt(metadata)) return null;
  return basename(metadata.checkpoint_path) === basename(checkpointPath) ? sidecar : null;
}

/** Removes the sidecar of a checkpoint that is gone when it is its own (`ownSidecarOf`). Returns it, or null. */
export function removeOwnSidecar(checkpointPath: string, kind: CheckpointKind): string | null {
  const sidecar = ownSidecarOf(checkpointPath, kind);
  if (sidecar === null) return null;
  try {
    unlinkSync(fsPath(sidecar));
    return sidecar;
  } catch {
    return null;
  }
}
