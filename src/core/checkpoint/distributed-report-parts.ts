import { z } from "zod";
import { PlainJsonValue } from "./checkpoint-report-parts.ts";

// Report parts for checkpoints that are directories of several files (DeepSpeed, torch DCP, Accelerate, PEFT).
// Field names are the fixtures' truth names (`global_steps`, `dp_world_size`, `tags_complete`, …).

const Int = z.number().int();

/** `param_shapes` of a DeepSpeed model-states file: one `name → shape` dict per optimizer param group. */
export const DeepSpeedParamShapes = z.object({
  param_groups: Int,
  param_count: Int,
  numel_total: Int,
  shapes: z.record(z.string(), z.array(Int)),
});

/** What `DeepSpeedEngine.save_checkpoint` put in `mp_rank_NN_model_states.pt` besides the weights. */
export const DeepSpeedStates = z.object({
  global_steps: Int.nullable(),
  global_samples: Int.nullable(),
  skipped_steps: Int.nullable(),
  ds_version: z.string().nullable(),
  zero_stage: Int.nullable(),
  bf16: z.boolean(),
  fp16: z.boolean(),
  dp_world_size: Int.nullable(),
  mp_world_size: Int.nullable(),
  /** ZeRO off: the torch optimizer state is inside the model-states file. */
  optimizer_in_model_states: z.boolean(),
  optimizer_type: z.string().nullable(),
  param_shapes: DeepSpeedParamShapes.optional(),
  /** Keys the caller added with `client_state=` (epoch, metrics …), merged into the top level by DeepSpeed. */
  client_state_keys: z.array(z.string()),
  client_state: z.record(z.string(), PlainJsonValue),
});
export type DeepSpeedStates = z.infer<typeof DeepSpeedStates>;

/** One tag directory (`global_stepN/`) judged against its save dir's `latest`. */
export const DeepSpeedTag = z.object({
  tag: z.string(),
  files: z.array(z.string()),
  /** The tag `latest` names. */
  is_latest: z.boolean(),
  /** Named by `latest`, or older than the tag it names: DeepSpeed finished this save. */
  committed: z.boolean(),
  expected_files: z.array(z.string()),
  missing_files: z.array(z.string()),
  complete: z.boolean(),
  complete_reason: z.string(),
});
export type DeepSpeedTag = z.infer<typeof DeepSpeedTag>;

/** The save dir `<save>/` with `latest` and its tags: the run. */
export const DeepSpeedRun = z.object({
  /** Where `latest` is, relative to the inspected directory; null when absent. */
  latest_file: z.string().nullable(),
  latest: z.string().nullable(),
  latest_tag_exists: z.boolean(),
  tags: z.array(z.string()),
  tags_complete: z.record(z.string(), z.boolean()),
  newest_tag_on_disk: z.string().nullable(),
  /** The tag `load_checkpoint` would resume from: the one `latest` names, when it is whole. */
  resume_tag: z.string().nullable(),
  incomplete_tags: z.array(z.string()),
  has_zero_to_fp32: z.boolean(),
  complete: z.boolean(),
  complete_reason: z.string(),
});
export type DeepSpeedRun = z.infer<typeof DeepSpeedRun>;

/** A DeepSpeed checkpoint: the model-states facts plus, for a directory, its tag and run. */
export const DeepSpeedFacts = z.object({
  states: DeepSpeedStates.optional(),
  tag: DeepSpeedTag.optional(),
  run: DeepSpeedRun.optional(),
  /** Files that run code when executed (`zero_to_fp32.py`): reported, never run, not a safety verdict. */
  executable_scripts: z.array(z.string()),
});
export type DeepSpeedFacts = z.infer<typeof DeepSpeedFacts>;

/** One tensor of a DCP `Metadata.state_dict_metadata`: global shape, dtype, chunk count. */
export const DcpTensor = z.object({
  fqn: z.string(),
  size: z.array(Int),
  dtype: z.string().nullable(),
  chunks: Int,
});

/** A torch distributed checkpoint directory (`.metadata` + `__<rank>_<n>.distcp`). */
export const DcpFacts = z.object({
  /** `torch.distributed._shard.checkpoint` (torch 1.13) or `torch.distributed.checkpoint` (≥ 2.0). */
  layout: z.string().nullable(),
  metadata_file: z.string().nullable(),
  metadata_type: z.string().nullable(),
  distcp_files: z.array(z.string()),
  writer_ranks: z.array(Int),
  tensor_count: Int,
  numel_total: Int,
  dtypes: z.record(z.string(), Int),
  tensors: z.array(DcpTensor),
  bytes_entries: z.array(z.string()),
  storage_items: Int,
  storage_files_referenced: z.array(z.string()),
  storage_files_missing: z.array(z.string()),
  /** Storage files shorter than the end of the last item `Metadata.storage_data` places in them. */
  storage_files_short: z.array(z.string()),
  /** Small BYTE_IO items read as torch.save streams (torchtitan `train_state`, `step` …). */
  bytes_values: z.record(z.string(), PlainJsonValue),
  complete: z.boolean(),
  complete_reason: z.string(),
});
export type DcpFacts = z.infer<typeof DcpFacts>;

/** One `custom_checkpoint_<i>.pkl` (an object registered with `register_for_checkpointing`). */
export const AccelerateCustomCheckpoint = z.object({
  file: z.string(),
  index: Int,
  top_level_keys: z.array(z.string()),
  value: PlainJsonValue,
});

/** An Accelerate `save_state` directory (`checkpoints/checkpoint_<i>/` with automatic naming). */
export const AccelerateFacts = z.object({
  /** `i` of `checkpoint_<i>`: Accelerate numbers saves, not training steps. */
  save_index: Int.nullable(),
  files: z.array(z.string()),
  model_files: z.array(z.string()),
  optimizer_files: z.array(z.string()),
  scheduler_files: z.array(z.string()),
  rng_state_files: z.array(z.string()),
  custom_checkpoints: z.array(AccelerateCustomCheckpoint),
  /** Where the step came from, when a file holds one (a custom checkpoint's `global_step`/`step`). */
  step_source: z.string().nullable(),
  complete: z.boolean(),
  complete_reason: z.string(),
});
export type AccelerateFacts = z.infer<typeof AccelerateFacts>;

/** A PEFT adapter (`adapter_config.json` + `adapter_model.safetensors|bin`). */
export const PeftFacts = z.object({
  peft_type: z.string().nullable(),
  task_type: z.string().nullable(),
  r: Int.nullable(),
  lora_alpha: z.number().nullable(),
  target_modules: PlainJsonValue,
  base_model_name_or_path: z.string().nullable(),
  adapter_file: z.string().nullable(),
  adapter_tensor_count: Int.nullable(),
  adapter_dtypes: z.record(z.string(), Int),
});
export type PeftFacts = z.infer<typeof PeftFacts>;

/** An Orbax (JAX) step dir: `_CHECKPOINT_METADATA` and the items beside it. */
export const OrbaxFacts = z.object({
  step_from_name: Int.nullable(),
  items: z.array(z.string()),
  metrics: PlainJsonValue,
  init_timestamp_nsecs: z.number().nullable(),
  commit_timestamp_nsecs: z.number().nullable(),
  custom_metadata: PlainJsonValue,
  commit_success_file: z.boolean(),
  complete: z.boolean(),
  complete_reason: z.string(),
});
export type OrbaxFacts = z.infer<typeof OrbaxFacts>;

/** A TensorFlow checkpoint dir: the `checkpoint` pointer (CheckpointState text proto) and `<prefix>.index`/`.data-*`. */
export const TfCheckpointFacts = z.object({
  model_checkpoint_path: z.string().nullable(),
  all_model_checkpoint_paths: z.array(z.string()),
  prefixes_on_disk: z.array(z.string()),
  /** Data shards the latest prefix's names require (`.data-0000k-of-0000n`) but absent, and a missing `.index`. */
  missing_files: z.array(z.string()),
  complete: z.boolean(),
  complete_reason: z.string(),
});
export type TfCheckpointFacts = z.infer<typeof TfCheckpointFacts>;
