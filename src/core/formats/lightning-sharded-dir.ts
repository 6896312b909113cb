import { type Completeness, checkFileCompleteness } from "./completeness.ts";
import type { DirectoryView } from "./hf-checkpoint-dir.ts";

/** The torch.save file Lightning writes beside the DCP files of a sharded `.ckpt/` (epoch, callbacks…). */
export const LIGHTNING_SHARDED_META = "meta.pt";

export type LightningShardedDir = {
  /**
   * FSDP/ModelParallel distributed checkpoint (`meta.pt` + `*.distcp`). A DeepSpeed `.ckpt/` (`latest` + a tag dir)
   * is a DeepSpeed save dir and is judged by its rules (checkpoint/deepspeed-tags.ts).
   */
  readonly kind: "distributed-checkpoint";
  /** The torch.save file whose pickle holds epoch/global_step/callbacks (read by the composer). */
  readonly metadataFile: string | undefined;
  readonly shardFiles: readonly string[];
  readonly completeness: Completeness;
};

/** Recognises a Lightning FSDP/ModelParallel sharded `.ckpt/` directory (`meta.pt` + DCP files); undefined otherwise. */
export function inspectLightningShardedDir(view: DirectoryView): LightningShardedDir | undefined {
  // Its own files only: a run directory holding step dirs of DCP shards is not one checkpoint.
  const names = view.names().filter((name) => !name.includes("/"));
  const shardFiles = names.filter((name) => name.endsWith(".distcp")).sort();
  if (shardFiles.length === 0 && !names.includes(".metadata")) return undefined;
  const metadataFile = names.includes(LIGHTNING_SHARDED_META) ? LIGHTNING_SHARDED_META : undefined;
  const completeness = names.includes(".metadata")
    ? metadataCompleteness(view, metadataFile)
    : { state: "incomplete" as const, reason: "no .metadata yet (written after all shards)" };
  return { kind: "distributed-checkpoint", metadataFile, shardFiles, completeness };
}

function metadataCompleteness(view: DirectoryView, metadataFile: string | undefined): Completeness {
  const source = metadataFile === undefined ? undefined : view.open(metadataFile);
  if (source === undefined)
    return {
      state: "incomplete",
      reason: "the metadata file (meta.pt) is absent",
    };
  return checkFileCompleteness(source);
}
