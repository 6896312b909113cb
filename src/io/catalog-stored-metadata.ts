import type { Database } from "bun:sqlite";
import {
  type CheckpointMetadataV1,
  CheckpointMetadataV1 as MetadataSchema,
} from "../core/metadata/metadata-schema.ts";

// A module of its own because it loads the schema (zod): a rescan that finds nothing renamed never needs it.
/** The metadata the catalog holds for a path (from its sidecar or the assembler), or null. */
export function storedMetadata(database: Database, path: string): CheckpointMetadataV1 | null {
  const row = database
    .query<{ metadata_json: string | null }, [string]>("SELECT metadata_json FROM checkpoints WHERE path = ?")
    .get(path);
  if (typeof row?.metadata_json !== "string") return null;
  const parsed = MetadataSchema.safeParse(JSON.parse(row.metadata_json));
  return parsed.success ? parsed.data : null;
}
