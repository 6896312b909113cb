import type { SidecarState } from "../../core/catalog/catalog-entry.ts";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import type { Result } from "../../core/result.ts";
import type { RunUpdate } from "../catalog/catalog-writes.ts";
import type { SidecarWriteError } from "../sidecar/sidecar-store.ts";
import type { SidecarOnDisk } from "../sidecar/sidecar-write-policy.ts";
import type { CheckpointLocation } from "./checkpoint-location.ts";
import type { AssembledCheckpoint } from "./index-one.ts";

/** What a checkpoint's sidecar says: use it (valid and current), or rebuild from the checkpoint, and why. */
export type SidecarLook =
  | { readonly kind: "use"; readonly metadata: CheckpointMetadataV1 }
  | {
      readonly kind: "rebuild";
      readonly state: SidecarState;
      readonly onDisk: SidecarOnDisk;
      readonly warning: string | null;
    };

export const MISSING: SidecarLook = { kind: "rebuild", state: "missing", onDisk: "none", warning: null };
export const STALE_OURS: SidecarLook = { kind: "rebuild", state: "stale", onDisk: "ours", warning: null };
export const OFF: SidecarLook = { kind: "rebuild", state: "off", onDisk: "none", warning: null };

/**
 * Where a checkpoint's bytes and sidecar are reached: on local disk, or in an object store. `readOne` owns the
 * order and the rules (use a current sidecar, else read; write the sidecar as `sidecarWriteVerdict` says); a
 * place only fetches and stores.
 */
export type CheckpointPlace<L extends CheckpointLocation> = {
  /** Reads the sidecar at `location.sidecar` (asked only when the mode reads sidecars). */
  readonly look: (location: L) => SidecarLook | Promise<SidecarLook>;
  /** The run of a checkpoint read from its sidecar: its dir (null when none is known) and its update. */
  readonly sidecarRun: (
    location: L,
    metadata: CheckpointMetadataV1,
  ) => Promise<{ readonly runDir: string | null; readonly run: RunUpdate | null }>;
  /** Reads the checkpoint itself: its metadata, and the location as read (an object replaced meanwhile is newer). */
  readonly assemble: (
    location: L,
  ) => Promise<{ readonly assembled: AssembledCheckpoint; readonly location: L }>;
  /** Writes its sidecar where the place allows (the policy has said yes; `force` replaces one). */
  readonly writeSidecar: (
    location: L,
    metadata: CheckpointMetadataV1,
    force: boolean,
  ) =>
    | Result<{ readonly path: string }, SidecarWriteError>
    | Promise<Result<{ readonly path: string }, SidecarWriteError>>;
};

/** A sidecar describes the checkpoint as it is now when its recorded size and mtime (to the second) still match. */
export function isSidecarCurrent(
  metadata: CheckpointMetadataV1,
  file: Pick<ScannedFile, "size" | "mtime_ms">,
): boolean {
  const recorded = metadata.ckpt?.file;
  if (recorded === undefined) return true;
  const mtime = Date.parse(recorded.mtime);
  return recorded.size === file.size && (Number.isNaN(mtime) || Math.abs(mtime - file.mtime_ms) < 1000);
}
