import { megatronIteration } from "../checkpoint/megatron-tracker.ts";
import { isDeepSpeedFileName } from "../formats/distributed/deepspeed-layout.ts";

// Files that only exist inside a directory checkpoint, by their names alone (no reader is loaded: the catalog's
// run directory, the daemon's settle paths and prune ask these). Which directory is which checkpoint, by its
// entries, is checkpoint-dir-structure.ts.

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
