import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import type { Result } from "../../core/result.ts";
import { isSidecarCurrent, MISSING, type SidecarLook, STALE_OURS } from "../scan/checkpoint-place.ts";
import type { SidecarRead, SidecarReadError } from "./sidecar-store.ts";

/**
 * What a sidecar, read from a file or an object, says of its checkpoint: gone → missing; unreadable or invalid →
 * kept as is and the checkpoint read instead, with a warning naming it; valid and current → used; out of date →
 * rewritten when ckpt wrote it (or when the run's files changed since: `outdated`), else kept and read around.
 */
export function sidecarLookOf(
  read: Result<SidecarRead, SidecarReadError>,
  context: {
    /** The sidecar as messages name it: its path, or its s3:// URL. */
    readonly name: string;
    readonly file: Pick<ScannedFile, "size" | "mtime_ms">;
    readonly outdated: boolean;
  },
): SidecarLook {
  if (!read.success) {
    if (read.error.code === "not-found") return MISSING;
    return { kind: "rebuild", state: "invalid", onDisk: "theirs", warning: read.error.message };
  }
  const { valid, data } = read.data;
  if (!valid || data === undefined) {
    const first = read.data.problems.find((problem) => problem.severity === "error");
    const why = first === undefined ? "it does not validate" : `${first.path}: ${first.message}`;
    return {
      kind: "rebuild",
      state: "invalid",
      onDisk: "theirs",
      warning: `${context.name}: ${why}; kept as is, the catalog uses the checkpoint instead`,
    };
  }
  const ours = isWrittenByCkpt(data);
  if (isSidecarCurrent(data, context.file) && !(context.outdated && ours))
    return { kind: "use", metadata: data };
  return ours ? STALE_OURS : { kind: "rebuild", state: "stale", onDisk: "theirs", warning: null };
}
