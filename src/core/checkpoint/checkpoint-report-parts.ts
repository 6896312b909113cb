import { z } from "zod";

/** Plain JSON as `toPlainJson` writes it (non-finite floats are the strings "nan", "inf", "-inf"). */
export const PlainJsonValue = z.json();

/**
 * A Python float that may be ±Infinity or NaN (Lightning's `kth_value` starts at `inf`); zod's `number()`
 * rejects those. JSON output writes them as "inf", "-inf", "nan".
 */
export const PyFloat = z.custom<number>((value) => typeof value === "number", "expected a number");

/** `state_dict` and friends, with exactly the truth files' fields. */
export const StateDictSummary = z.object({
  tensor_count: z.number().int(),
  numel_total: z.number().int(),
  /** Without BatchNorm's `running_mean`, `running_var`, `num_batches_tracked`. */
  numel_excluding_bn_buffers: z.number().int(),
  /** `numel × element size` over the tensors (shared storages counted once per tensor). */
  bytes_total: z.number().int(),
  dtypes: z.record(z.string(), z.number().int()),
  /** Distinct storage keys: fewer than `tensor_count` when weights are tied. */
  unique_storages: z.number().int(),
  /** The first five keys, in file order. */
  first_keys: z.array(z.string()),
  /** Whole pickled `nn.Module`s only: numel of `_parameters` and of `_buffers`, recursively. */
  module_parameter_count: z.number().int().optional(),
  module_buffer_count: z.number().int().optional(),
  /** Present when the module walk stopped at this many submodule visits (shared submodules repeat under every parent). */
  module_walk_cut_at: z.number().int().optional(),
});
export type StateDictSummary = z.infer<typeof StateDictSummary>;

/** `optimizer.state_dict()` reduced to its param groups (`params` replaced by `num_params`) and state size. */
export const OptimizerSummary = z.object({
  param_groups: z.array(z.looseObject({ lr: PyFloat.optional(), num_params: z.number().int().optional() })),
  state_entries: z.number().int(),
  state_keys: z.array(z.string()),
});
export type OptimizerSummary = z.infer<typeof OptimizerSummary>;

/** One Lightning ModelCheckpoint state with 0-d tensor scores read as numbers. Fields absent in old versions are omitted. */
export const ModelCheckpointState = z.object({
  /** The `callbacks` key: `ModelCheckpoint{'monitor': …}` (1.5+), or `<class '…ModelCheckpoint'>` (≤ 1.4). */
  key: z.string(),
  monitor: z.string().nullable().optional(),
  best_model_score: PyFloat.nullable().optional(),
  best_model_path: z.string().nullable().optional(),
  current_score: PyFloat.nullable().optional(),
  kth_best_model_path: z.string().nullable().optional(),
  kth_value: PyFloat.nullable().optional(),
  last_model_path: z.string().nullable().optional(),
  dirpath: z.string().nullable().optional(),
  best_k_models: z.record(z.string(), PyFloat.nullable()).optional(),
});
export type ModelCheckpointState = z.infer<typeof ModelCheckpointState>;

/** What the state key says about a checkpoint callback (`mode`, triggers), parsed from its Python repr. */
export const CallbackKeyConfig = z.object({
  key: z.string(),
  /** `ModelCheckpoint`, `EarlyStopping` or a subclass's qualname. */
  class_name: z.string(),
  monitor: z.string().nullable().optional(),
  mode: z.string().optional(),
  every_n_train_steps: z.number().int().nullable().optional(),
  every_n_epochs: z.number().int().nullable().optional(),
  train_time_interval: z.string().nullable().optional(),
  save_on_train_epoch_end: z.boolean().nullable().optional(),
});
export type CallbackKeyConfig = z.infer<typeof CallbackKeyConfig>;

/** Lightning `EarlyStopping` state or HF `EarlyStoppingCallback` (from `trainer_state.json`). */
export const EarlyStoppingState = z.object({
  key: z.string(),
  monitor: z.string().nullable().optional(),
  mode: z.string().optional(),
  wait_count: z.number().int().nullable().optional(),
  stopped_epoch: z.number().int().nullable().optional(),
  best_score: PyFloat.nullable().optional(),
  patience: z.number().int().nullable().optional(),
  threshold: PyFloat.nullable().optional(),
});
export type EarlyStoppingState = z.infer<typeof EarlyStoppingState>;

/** A whole pickled model object (Ultralytics `model`/`ema`): the truth files' `model_info`. */
export const ModelInfo = z.object({
  class: z.string(),
  yaml_file: z.string().nullable().optional(),
  nc: z.number().int().nullable().optional(),
  scale: z.string().nullable().optional(),
  names: z.record(z.string(), z.string()).nullable().optional(),
  first_param_dtype: z.string().nullable().optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

/** Facts from a Hugging Face `checkpoint-N/` directory. */
export const HfFacts = z.object({
  kind: z.enum(["hf-checkpoint", "hf-model"]),
  /** N of `checkpoint-N`. */
  dir_step: z.number().int().nullable(),
  max_steps: z.number().int().nullable().optional(),
  num_train_epochs: PyFloat.nullable().optional(),
  best_metric: PyFloat.nullable().optional(),
  best_global_step: z.number().int().nullable().optional(),
  best_model_checkpoint: z.string().nullable().optional(),
  /** From `training_args.bin`. */
  metric_for_best_model: z.string().nullable().optional(),
  greater_is_better: z.boolean().nullable().optional(),
  training_args_class: z.string().nullable().optional(),
  /** From `config.json`. */
  architectures: z.array(z.string()).nullable().optional(),
  model_type: z.string().nullable().optional(),
  torch_dtype: z.string().nullable().optional(),
  transformers_version: z.string().nullable().optional(),
  weights: z.array(
    z.object({
      name: z.string(),
      format: z.string(),
      completeness: z.string(),
      tensor_count: z.number().int().optional(),
    }),
  ),
  missing_shards: z.array(z.string()),
});
export type HfFacts = z.infer<typeof HfFacts>;

/** Lightning sharded `.ckpt/` directory facts. */
export const ShardedFacts = z.object({
  kind: z.enum(["deepspeed", "distributed-checkpoint"]),
  metadata_file: z.string().nullable(),
  shard_files: z.array(z.string()),
  completeness: z.string(),
});
export type ShardedFacts = z.infer<typeof ShardedFacts>;
