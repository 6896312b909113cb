import { isAccelerateStateDir } from "../checkpoint/accelerate-report.ts";
import { isDcpDirectory } from "../checkpoint/dcp-report.ts";
import { isMegatronIterationDir } from "../checkpoint/megatron-report.ts";
import { isOrbaxStepDir } from "../checkpoint/orbax-report.ts";
import { isPeftAdapterDir } from "../checkpoint/peft-report.ts";
import { isTfCheckpointDir } from "../checkpoint/tf-checkpoint-report.ts";
import { isDeepSpeedTag } from "../formats/distributed/deepspeed-layout.ts";
import { LIGHTNING_SHARDED_META } from "../formats/lightning-sharded-dir.ts";
import {
  isHfCheckpointDirName,
  isHfCheckpointMarker,
  isShardedCheckpointDirName,
} from "./checkpoint-names.ts";

// Directory checkpoints known by the files they hold rather than by their own name: a DeepSpeed tag
// (`<save>/global_stepN/`, any tag name), a torch DCP dir, an Accelerate `save_state` dir, a PEFT adapter dir,
// a sharded `save_pretrained` dir (its index file). The one table: discovery asks which kind a directory is, and
// the directory reader (checkpoint/structural-dir-report.ts) reads each kind.

/** `save_pretrained` with sharding: the index names every shard (`model-00001-of-00003.safetensors`). */
const SHARD_INDEX = /^(model\.safetensors|pytorch_model\.bin)\.index\.json$/;

/**
 * In the order the directory reader tries them. `entries` are one directory's own names (files and sub-dirs):
 * Megatron's rank dirs are sub-dirs (`mp_rank_00/model_optim_rng.pt`); a DCP dir with Lightning's `meta.pt` is
 * Lightning's sharded `.ckpt/`.
 */
const STRUCTURAL_DIRS = [
  { kind: "megatron", holds: isMegatronIterationDir },
  { kind: "dcp", holds: (entries) => isDcpDirectory(entries) && !entries.includes(LIGHTNING_SHARDED_META) },
  { kind: "orbax", holds: isOrbaxStepDir },
  { kind: "tf", holds: isTfCheckpointDir },
  { kind: "accelerate", holds: isAccelerateStateDir },
  { kind: "peft", holds: isPeftAdapterDir },
  { kind: "lightning-sharded", holds: isDcpDirectory },
  { kind: "deepspeed-tag", holds: isDeepSpeedTag },
  { kind: "hf-sharded", holds: (entries) => entries.some((name) => SHARD_INDEX.test(name)) },
] as const satisfies readonly { kind: string; holds: (entries: readonly string[]) => boolean }[];

export type StructuralDirKind = (typeof STRUCTURAL_DIRS)[number]["kind"];

/** Which directory checkpoint these names (one directory's own entries) make, or null. */
export function structuralDirKind(entries: readonly string[]): StructuralDirKind | null {
  return STRUCTURAL_DIRS.find((candidate) => candidate.holds(entries))?.kind ?? null;
}

/** How a directory checkpoint is catalogued: an HF `checkpoint-N/`, or read as a whole (sharded `.ckpt/`, the table's). */
export type CheckpointDirectoryKind = "hf-dir" | "sharded-dir";

/**
 * Whether a directory is one checkpoint, by its name and its own entries (files and sub-dirs), and which: a
 * Lightning sharded `NAME.ckpt/` by its name alone, a `checkpoint-N/` holding a Hugging Face marker, or one its
 * files make a checkpoint (`structuralDirKind`: DeepSpeed tag, DCP, sharded `save_pretrained`…). Null for a folder
 * to look inside. The walk asks it of a directory on disk and the S3 scan of a folder of a listing.
 */
export function checkpointDirectoryKind(
  name: string,
  entries: readonly string[],
): CheckpointDirectoryKind | null {
  if (isShardedCheckpointDirName(name)) return "sharded-dir";
  if (isHfCheckpointDirName(name) && entries.some(isHfCheckpointMarker)) return "hf-dir";
  return structuralDirKind(entries) === null ? null : "sharded-dir";
}
