import { unlinkSync } from "node:fs";
import { basename } from "node:path";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import { type CheckpointKind, sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import { fsPath } from "../fs/fs-path.ts";
import { readSidecar } from "./sidecar-store.ts";

/**
 * Removes the sidecar of a checkpoint that is gone, when ckpt wrote it (generator `ckpt`) for that very checkpoint:
 * `best.ckpt` and `best.pt` share `best.metadata.yaml`, so the sidecar's own `checkpoint_path` must name the one
 * that went. Anyone else's sidecar stays. Returns the sidecar removed, or null.
 */
export function removeOwnSidecar(checkpointPath: string, kind: CheckpointKind): string | null {
  const sidecar = sidecarPathFor(checkpointPath, { kind });
  const read = readSidecar(sidecar);
  if (!read.success) return null;
  const metadata = read.data.data;
  if (metadata === undefined || !isWrittenByCkpt(metadata)) return null;
  if (basename(metadata.checkpoint_path) !== basename(checkpointPath)) return null;
  try {
    unlinkSync(fsPath(sidecar));
    return sidecar;
  } catch {
    return null;
  }
}
