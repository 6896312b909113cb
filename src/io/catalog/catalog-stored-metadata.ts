import type { Database } from "bun:sqlite";
import {
  type CheckpointMetadataV1,
  CheckpointMetadataV1 as MetadataSchema,
} from "../../core/metadata/metadata-schema.ts";
import { ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import { realPathSync } from "../fs/fs-path.ts";
import { readSidecar } from "../sidecar/sidecar-store.ts";

// A module of its own because it loads the schema (zod) and the sidecar reader: a rescan that finds nothing
// renamed never needs them.

function validSidecarMetadata(path: string): CheckpointMetadataV1 | null {
  const read = readSidecar(path);
  return read.success && read.data.valid ? (read.data.data ?? null) : null;
}

/** The sidecar a catalogued checkpoint was read from: its own, or for a symlink without one, its target's. */
function sidecarMetadataOf(path: string, kind: string): CheckpointMetadataV1 | null {
  const own = validSidecarMetadata(ownSidecarPath({ path, kind }));
  if (own !== null) return own;
  try {
    const target = realPathSync(path);
    return target === path ? null : validSidecarMetadata(ownSidecarPath({ path: target, kind }));
  } catch {
    return null;
  }
}

/**
 * What the catalog knows of a path's metadata: the copy it stores (metadata assembled from the checkpoint), or
 * for a row whose sidecar is valid, which the catalog does not copy, that sidecar read again. `lost` says the row
 * relied on its sidecar and the sidecar can no longer be read: whoever needs the metadata must read the checkpoint.
 */
export function lookUpStoredMetadata(
  database: Database,
  path: string,
): { readonly metadata: CheckpointMetadataV1 | null; readonly lost: boolean } {
  const row = database
    .query<{ metadata_json: string | null; sidecar_state: string; kind: string }, [string]>(
      "SELECT metadata_json, sidecar_state, kind FROM checkpoints WHERE path = ?",
    )
    .get(path);
  if (row === null) return { metadata: null, lost: false };
  if (typeof row.metadata_json === "string") {
    const parsed = MetadataSchema.safeParse(JSON.parse(row.metadata_json));
    return { metadata: parsed.success ? parsed.data : null, lost: false };
  }
  if (row.sidecar_state !== "valid") return { metadata: null, lost: false };
  const metadata = sidecarMetadataOf(path, row.kind);
  return { metadata, lost: metadata === null };
}

/** The metadata the catalog describes a path with (see `lookUpStoredMetadata`), or null. */
export function storedMetadata(database: Database, path: string): CheckpointMetadataV1 | null {
  return lookUpStoredMetadata(database, path).metadata;
}
