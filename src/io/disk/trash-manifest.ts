import { readFileSync } from "node:fs";
import { z } from "zod";
import { fsPath } from "../fs/fs-path.ts";
import { writePrivateFileAtomically } from "../fs/private-file.ts";

/** Where `ckpt prune` moves what it removes: one per filesystem, at the root it was given. */
export const TRASH_DIR_NAME = ".ckpt-trash";
/** Inside an item: the manifest, the checkpoint and its sidecar as moved. */
export const MANIFEST_NAME = "manifest.json";
export const PAYLOAD_NAME = "checkpoint";
export const SIDECAR_PAYLOAD_NAME = "sidecar";

/**
 * One removed checkpoint, written before anything moves: it is the journal that lets an interrupted prune be
 * finished (the checkpoint moved: its sidecar and catalog row follow) or undone (it never moved).
 */
export const TrashManifest = z.object({
  version: z.literal(1),
  id: z.string(),
  /** `trash` keeps it for `ckpt trash restore`; `delete` removes it once its catalog row is gone. */
  mode: z.enum(["trash", "delete"]),
  original: z.string(),
  kind: z.enum(["file", "directory"]),
  /** The sidecar that goes with it (ckpt's own), or null. */
  sidecar: z.string().nullable(),
  run: z.string(),
  bytes: z.number(),
  reason: z.string(),
  trashed_at: z.number(),
});
export type TrashManifest = z.infer<typeof TrashManifest>;

/** Writes an item's manifest (temp + fsync + rename). */
export function writeManifest(itemDir: string, manifest: TrashManifest): void {
  writePrivateFileAtomically(`${itemDir}/${MANIFEST_NAME}`, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** An item's manifest, or null when it is missing or not one of ours. */
export function readManifest(itemDir: string): TrashManifest | null {
  try {
    const parsed = TrashManifest.safeParse(
      JSON.parse(readFileSync(fsPath(`${itemDir}/${MANIFEST_NAME}`), "utf8")),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
