import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import type { Result } from "../../core/result.ts";
import { type PlacementOptions, type SidecarSubject, writeCheckpointSidecar } from "./sidecar-placement.ts";
import type { SidecarWriteError } from "./sidecar-store.ts";

/** What sits at a checkpoint's sidecar place and does not describe it as it is now. */
export type SidecarOnDisk =
  /** Nothing (or nothing readable as a sidecar file). */
  | "none"
  /** A sidecar ckpt wrote. */
  | "ours"
  /** A sidecar someone else wrote, or one that does not validate: their statement, not ours to replace. */
  | "theirs";

/** Which sidecars a caller may replace: the catalog's writers replace ckpt's own; `convert --force` any. */
export type SidecarOverwrite = "never" | "ours" | "any";

export type SidecarWriteQuestion = {
  readonly mode: SidecarMode;
  readonly onDisk: SidecarOnDisk;
  readonly overwrite: SidecarOverwrite;
};

export type SidecarWriteVerdict =
  | { readonly kind: "write"; readonly force: boolean }
  | { readonly kind: "keep" };

/**
 * The one rule of whether ckpt (re)writes a checkpoint's sidecar, for the scan, the daemon, run reassembly and
 * convert alike: only with `--sidecars write`; a missing one always, an existing one only when the caller may
 * replace its kind. Where it may be written is `decideSidecarWrite`'s question, asked by the write itself.
 */
export function sidecarWriteVerdict(question: SidecarWriteQuestion): SidecarWriteVerdict {
  if (question.mode !== "write") return { kind: "keep" };
  if (question.onDisk === "none") return { kind: "write", force: false };
  const replaceable =
    question.overwrite === "any" || (question.overwrite === "ours" && question.onDisk === "ours");
  return replaceable ? { kind: "write", force: true } : { kind: "keep" };
}

/**
 * Writes the sidecar when `sidecarWriteVerdict` says so, at the place `decideSidecarWrite` allows; null when the
 * rule keeps what is there (nothing was attempted).
 */
export function writeSidecarByPolicy(
  file: SidecarSubject,
  metadata: CheckpointMetadataV1,
  options: PlacementOptions & SidecarWriteQuestion,
): Result<{ readonly path: string }, SidecarWriteError> | null {
  const verdict = sidecarWriteVerdict(options);
  if (verdict.kind === "keep") return null;
  return writeCheckpointSidecar(file, metadata, {
    scanRoot: options.scanRoot,
    memo: options.memo,
    force: verdict.force,
  });
}
