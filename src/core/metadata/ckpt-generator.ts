import type { CheckpointMetadataV1 } from "./metadata-schema.ts";

/** The name ckpt records as `ckpt.generator.name`: what tells the sidecars it wrote from anyone else's. */
export const CKPT_GENERATOR_NAME = "ckpt";

/**
 * Whether ckpt wrote this metadata. Its own sidecars may be refreshed when stale, rewritten after a rename and
 * removed with their checkpoint; anyone else's are never touched.
 */
export function isWrittenByCkpt(metadata: CheckpointMetadataV1 | null | undefined): boolean {
  return metadata?.ckpt?.generator.name === CKPT_GENERATOR_NAME;
}
