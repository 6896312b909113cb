import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { scanRootOf } from "./walk-paths.ts";

/**
 * A checkpoint on local disk as it is indexed: its path and identity (dev, ino, size, mtime; whether the path is a
 * symlink; whether its sidecar was seen) as the walk or the daemon's event found them, and the root it was found
 * under (`checkpoint_path` is relative to that root, and sidecars are written only below it). Built once where
 * the path is found and passed along as is, to the read workers too.
 */
export type CheckpointLocation = {
  readonly file: ScannedFile;
  /** The watched or scanned root: a directory, or the checkpoint itself when it was named alone. */
  readonly root: string;
};

/** The location of a checkpoint the walk found under one of `roots`. */
export function locationUnder(file: ScannedFile, roots: readonly string[]): CheckpointLocation {
  return { file, root: scanRootOf(file.path, roots) };
}
