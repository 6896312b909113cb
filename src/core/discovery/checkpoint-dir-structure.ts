import { isAccelerateStateDir } from "../checkpoint/accelerate-report.ts";
import { isDcpDirectory } from "../checkpoint/dcp-report.ts";
import { isMegatronIterationDir, megatronIteration } from "../checkpoint/megatron-report.ts";
import { isOrbaxStepDir } from "../checkpoint/orbax-report.ts";
import { isPeftAdapterDir } from "../checkpoint/peft-report.ts";
import { isTfCheckpointDir } from "../checkpoint/tf-checkpoint-report.ts";
import { isDeepSpeedFileName, isDeepSpeedTag } from "../formats/distributed/deepspeed-layout.ts";
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

/** `model-00001-of-00003.safetensors`, and TensorFlow's `ckpt-7.data-00000-of-00001`. */
const SHARD_MEMBER = /(-\d{5}-of-\d{5}\.(safetensors|bin)|\.data-\d{5}-of-\d{5})$/;
const DCP_MEMBER = /^(\.metadata(\.tmp)?|__\d+_\d+\.distcp|_CHECKPOINT_METADATA|commit_success\.txt)$/;
const ACCELERATE_MEMBER = /^(random_states|custom_checkpoint)_\d+\.pkl$/;
const ACCELERATE_SAVE_DIR = /^checkpoint_\d+$/;
const ACCELERATE_FILE =
  /^((pytorch_model|optimizer|scheduler|sampler)(_\d+)?\.bin|model(_\d+)?\.safetensors|scaler\.pt)$/;
/** PEFT `save_pretrained` writes these only into an adapter dir. */
const ADAPTER_MEMBER = /^adapter_model\.(safetensors|bin)$/;

const MEGATRON_RANK_DIR = /^mp_rank_\d{2}(_\d{3}){0,2}$/;
const MEGATRON_RANK_FILE = /^(model_optim_rng|distrib_optim)\.pt$/;

/**
 * How many levels up the directory checkpoint of a file is, when the file only exists inside one: 1 for
 * DeepSpeed rank files, DCP files, Accelerate states, shards; 2 for Megatron's
 * `iter_N/mp_rank_TT/model_optim_rng.pt`. Undefined for any other file.
 */
export function directoryCheckpointLevels(segments: readonly string[]): 1 | 2 | undefined {
  const name = segments.at(-1) ?? "";
  // Accelerate's automatic naming: every file of `checkpoints/checkpoint_<i>/` belongs to the save.
  if (ACCELERATE_SAVE_DIR.test(segments.at(-2) ?? "") && ACCELERATE_FILE.test(name)) return 1;
  if (MEGATRON_RANK_FILE.test(name) && MEGATRON_RANK_DIR.test(segments.at(-2) ?? "") && segments.length > 2)
    return 2;
  if (isDirectoryCheckpointMemberName(name) && segments.length > 1) return 1;
  return undefined;
}

/**
 * A file that only ever exists as part of a directory checkpoint, so its events settle the directory it is in
 * (never the file alone): DeepSpeed rank files, DCP `.metadata`/`.distcp`, Orbax's commit files, Accelerate RNG
 * and custom states, `-0000i-of-0000n` shards, PEFT adapter weights.
 */
export function isDirectoryCheckpointMemberName(name: string): boolean {
  return (
    isDeepSpeedFileName(name) ||
    DCP_MEMBER.test(name) ||
    ACCELERATE_MEMBER.test(name) ||
    SHARD_MEMBER.test(name) ||
    ADAPTER_MEMBER.test(name)
  );
}

/**
 * The save a checkpoint file is a member of, read as that save: a DeepSpeed tag by the rank file itself (any tag
 * name, see isDeepSpeedTag) and Megatron's `iter_NNNNNNN/` by its name (Megatron's own naming). Undefined for a
 * file that is its own checkpoint. The run is the directory above the save (where `latest`/the tracker live).
 * @example saveDirOfMember("/r/ds/global_step6/mp_rank_00_model_states.pt") // "/r/ds/global_step6"
 */
export function saveDirOfMember(path: string): string | undefined {
  const slash = path.lastIndexOf("/");
  if (slash <= 0) return undefined;
  const dir = path.slice(0, slash);
  const dirName = dir.slice(dir.lastIndexOf("/") + 1);
  const isMember = isDeepSpeedFileName(path.slice(slash + 1)) || megatronIteration(dirName) !== undefined;
  return isMember ? dir : undefined;
}
