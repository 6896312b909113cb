import { z } from "zod";
import { SafetensorsSummary } from "../formats/safetensors.ts";
import { CONTAINER_NAMES } from "../formats/sniff.ts";
import { TorchZipSummary } from "../formats/torch-zip-layout.ts";
import {
  CallbackKeyConfig,
  EarlyStoppingState,
  HfFacts,
  ModelCheckpointState,
  ModelInfo,
  OptimizerSummary,
  PlainJsonValue,
  PyFloat,
  ShardedFacts,
  StateDictSummary,
} from "./checkpoint-report-parts.ts";
import {
  AccelerateFacts,
  DcpFacts,
  DeepSpeedFacts,
  OrbaxFacts,
  PeftFacts,
  TfCheckpointFacts,
} from "./distributed-report-parts.ts";
import { GgufSummary, KerasSummary, NemoSummary, OnnxSummary } from "./exported-report-parts.ts";

/** `too-large`: a part ckpt must read whole is over its cap (`INPUT_CAPS`); the file may well be fine. */
export const REPORT_STATUSES = [
  "ok",
  "incomplete",
  "corrupt",
  "not-a-checkpoint",
  "unsafe",
  "too-large",
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const FRAMEWORKS = [
  "lightning",
  "timm",
  "ultralytics",
  "hf-trainer",
  "plain-torch",
  "safetensors",
  "gguf",
  "onnx",
  "keras",
  "nemo",
  "deepspeed",
  "torch-dcp",
  "accelerate",
  "peft",
  "megatron",
  "orbax",
  "tensorflow",
] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Why a report is not `ok`; the message names the file, the cause and what to do. */
export const REPORT_ERROR_CODES = [
  "not-found",
  "unreadable",
  "empty",
  "text",
  "git-lfs-pointer",
  "unknown-format",
  "plain-pickle",
  "legacy-tar",
  "other-zip",
  "zip-incomplete",
  "zip-corrupt",
  "missing-data-pkl",
  "pickle-truncated",
  "pickle-corrupt",
  "pickle-limit",
  "pickle-too-large",
  "storage-missing",
  "legacy-incomplete",
  "legacy-corrupt",
  "safetensors-incomplete",
  "safetensors-corrupt",
  "safetensors-too-large",
  "directory-incomplete",
  "trainer-state-too-large",
  "trainer-state-too-deep",
  "not-a-checkpoint-dir",
  "dangerous-globals",
  "gguf-incomplete",
  "gguf-corrupt",
  "gguf-too-large",
  "gguf-unsupported",
  "onnx-incomplete",
  "onnx-corrupt",
  "keras-incomplete",
  "keras-corrupt",
  "nemo-incomplete",
  "nemo-corrupt",
  "internal",
] as const;
export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

export const ReportError = z.object({ code: z.enum(REPORT_ERROR_CODES), message: z.string() });
export type ReportError = z.infer<typeof ReportError>;

export const SafetyFindings = z.object({
  status: z.enum(["safe", "unknown", "unsafe"]),
  /** `module.name` of every callable on the scanners' deny-lists, e.g. `posix.system`. */
  dangerous: z.array(z.string()),
  /** Globals outside the known-safe and expected sets. */
  unknown: z.array(z.string()),
  notes: z.array(z.string()),
});
export type SafetyFindings = z.infer<typeof SafetyFindings>;

const Int = z.number().int();
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/**
 * Everything the reader learned about one checkpoint: the object `ckpt inspect --json` prints, one per line.
 * Field names are the fixtures' `*.truth.json` names (snake_case, `pytorch-lightning_version` as Lightning
 * writes it). Fields that do not apply are omitted. Add fields, never rename: other modules consume this.
 */
export const CheckpointReport = z.object({
  path: z.string(),
  status: z.enum(REPORT_STATUSES),
  error: ReportError.nullable(),
  container: z.enum(CONTAINER_NAMES),
  framework: z.enum(FRAMEWORKS).nullable(),
  /** How sure the recognizer is, 0–1. */
  framework_confidence: z.number().optional(),
  /** File size, or the sum of the files for a directory checkpoint. */
  size_bytes: Int,
  /** Bytes actually read: data.pkl + tail + directory, never tensor payloads (0-d scalars aside). */
  bytes_read: Int,
  /** `torch-save`, `torchscript`, `torch-package`, `other-zip` for zips; `torch-legacy` for pre-1.6 files. */
  format: z.string().optional(),
  zip: TorchZipSummary.optional(),
  /** Raw `module.name` of every GLOBAL/STACK_GLOBAL/INST, first appearance order. */
  pickle_globals: z.array(z.string()),
  safety: SafetyFindings.nullable(),
  warnings: z.array(z.string()).optional(),
  top_level_type: z.string().optional(),
  top_level_keys: z.array(z.string()).optional(),
  epoch: optional(PyFloat),
  global_step: optional(Int),
  /** Plain-torch shape: `bare state_dict`, `dict with 'state_dict'`, `whole nn.Module pickle` … */
  kind: z.string().optional(),
  state_dict_key: z.string().optional(),
  state_dict: StateDictSummary.optional(),
  other_values: z.record(z.string(), PlainJsonValue).optional(),
  optimizer: OptimizerSummary.optional(),
  // Lightning
  "pytorch-lightning_version": z.string().optional(),
  /** The stored epoch/global_step were "next to run" (Lightning ≤ 1.5) and have been reduced by one. */
  epoch_step_normalized: z.boolean().optional(),
  hparams_name: optional(z.string()),
  hyper_parameters: PlainJsonValue.optional(),
  /** OmegaConf `${a.b}` interpolations resolved against the config itself. */
  hyper_parameters_resolved: PlainJsonValue.optional(),
  hparams_type: z.string().optional(),
  has_hyper_parameters: z.boolean().optional(),
  datamodule_hparams_name: optional(z.string()),
  datamodule_hyper_parameters: PlainJsonValue.optional(),
  cleval_metrics: PlainJsonValue.optional(),
  callbacks_keys: z.array(z.string()).optional(),
  callbacks: z.record(z.string(), PlainJsonValue).optional(),
  model_checkpoint_states: z.array(ModelCheckpointState).optional(),
  callback_configs: z.array(CallbackKeyConfig).optional(),
  early_stopping_states: z.array(EarlyStoppingState).optional(),
  optimizer_states: z.array(OptimizerSummary).optional(),
  lr_schedulers: z.array(PlainJsonValue).optional(),
  loops_keys: z.array(z.string()).optional(),
  // timm
  arch: z.string().optional(),
  metric: optional(PyFloat),
  /** timm's checkpoint version (int) or the Ultralytics package version (string). */
  version: z.union([Int, z.string()]).optional(),
  args: PlainJsonValue.optional(),
  args_type: z.string().optional(),
  has_state_dict_ema: z.boolean().optional(),
  state_dict_ema: StateDictSummary.optional(),
  // Ultralytics
  best_fitness: optional(PyFloat),
  date: optional(z.string()),
  license: optional(z.string()),
  docs: optional(z.string()),
  updates: optional(Int),
  train_args: PlainJsonValue.optional(),
  train_metrics: PlainJsonValue.optional(),
  train_results_keys: z.array(z.string()).optional(),
  model_is_none: z.boolean().optional(),
  ema_is_none: z.boolean().optional(),
  optimizer_is_none: z.boolean().optional(),
  model_info: ModelInfo.optional(),
  ema_info: ModelInfo.optional(),
  model_state_dict: StateDictSummary.optional(),
  ema_state_dict: StateDictSummary.optional(),
  /** The pickled model's `yaml` attribute (architecture config). */
  model_yaml: PlainJsonValue.optional(),
  // safetensors, Hugging Face, Lightning sharded
  safetensors: SafetensorsSummary.optional(),
  hf: HfFacts.optional(),
  /** `training_args.bin` as plain JSON (the `TrainingArguments` fields). */
  training_args: PlainJsonValue.optional(),
  sharded: ShardedFacts.optional(),
  // exported models
  gguf: GgufSummary.optional(),
  onnx: OnnxSummary.optional(),
  keras: KerasSummary.optional(),
  nemo: NemoSummary.optional(),
  // Distributed and multi-file checkpoints (distributed-report-parts.ts)
  deepspeed: DeepSpeedFacts.optional(),
  dcp: DcpFacts.optional(),
  accelerate: AccelerateFacts.optional(),
  peft: PeftFacts.optional(),
  orbax: OrbaxFacts.optional(),
  tf: TfCheckpointFacts.optional(),
});
export type CheckpointReport = z.infer<typeof CheckpointReport>;

/** JSON text for one report: non-finite floats become Python's "inf", "-inf", "nan" so the line stays valid JSON. */
export function checkpointReportJson(report: CheckpointReport): string {
  return JSON.stringify(report, (_key, value: unknown) => {
    if (typeof value !== "number" || Number.isFinite(value)) return value;
    return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  });
}
