import { z } from "zod";

/**
 * `CheckpointMetadataV1`: the `<checkpoint>.metadata.yaml` sidecar exactly as the Python catalog (Pydantic
 * `CheckpointMetadataV1`) reads and writes it, plus our optional top-level `ckpt:` block. Fields the Python writers
 * may leave out (`frozen`, `params`, `max_epochs`, `validation_loss`, `additional_metrics`, `hydra_config_path`,
 * `wandb_run_id`) are optional so their files validate. Unknown values are `"unknown"` or null, never invented.
 * Range rules that are warnings (epoch −1, a missing primary metric) live in `validate-metadata.ts`.
 */

export const SUPPORTED_SCHEMA_VERSIONS = ["1.0"] as const;
export type SchemaVersion = (typeof SUPPORTED_SCHEMA_VERSIONS)[number];
export const CURRENT_SCHEMA_VERSION: SchemaVersion = "1.0";

const supportedList = SUPPORTED_SCHEMA_VERSIONS.map((version) => JSON.stringify(version)).join(", ");

export const SchemaVersionField = z.enum(SUPPORTED_SCHEMA_VERSIONS, {
  error: (issue) =>
    `unsupported schema_version ${JSON.stringify(issue.input)}; supported: ${supportedList} (quote it: "1.0", not 1.0)`,
});

const IsoTimestamp = z.iso.datetime({
  local: true,
  offset: true,
  error: (issue) =>
    `expected an ISO 8601 timestamp like "2025-10-18T14:32:15.123456", got ${JSON.stringify(issue.input)}`,
});

/** A metric value: finite (zod rejects NaN and ±Infinity) or null when not logged. */
const MetricValue = z.number().nullable();
const Ratio = z
  .number()
  .min(0, { error: (issue) => `must be between 0 and 1, got ${String(issue.input)}` })
  .max(1, { error: (issue) => `must be between 0 and 1, got ${String(issue.input)}` })
  .nullable()
  .optional();
const Params = z.record(z.string(), z.unknown());

export const TRAINING_PHASES = ["training", "validation", "finetuning"] as const;

export const TrainingInfo = z.object({
  /** 0-based; −1 marks a framework's final weights (Ultralytics) and is a warning. */
  epoch: z.int().min(-1, {
    error: (issue) => `epoch must be ≥ 0 (or −1 for a framework's final weights), got ${String(issue.input)}`,
  }),
  global_step: z.int().min(0),
  training_phase: z.enum(TRAINING_PHASES),
  max_epochs: z.int().nullable().optional(),
});
export type TrainingInfo = z.infer<typeof TrainingInfo>;

export const EncoderInfo = z.object({
  model_name: z.string(),
  pretrained: z.boolean(),
  frozen: z.boolean().optional(),
});
export const DecoderInfo = z.object({
  name: z.string(),
  in_channels: z.array(z.int()),
  inner_channels: z.int().nullable(),
  output_channels: z.int().nullable(),
  params: Params.optional(),
});
export const HeadInfo = z.object({
  name: z.string(),
  in_channels: z.int().nullable(),
  params: Params.optional(),
});
export const LossInfo = z.object({ name: z.string(), params: Params.optional() });

export const ModelInfo = z.object({
  architecture: z.string(),
  encoder: EncoderInfo,
  decoder: DecoderInfo,
  head: HeadInfo,
  loss: LossInfo,
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const MetricsInfo = z.object({
  precision: Ratio,
  recall: Ratio,
  /** The legacy schema's primary metric; a missing value is a warning, not an error. */
  hmean: Ratio,
  validation_loss: MetricValue.optional(),
  additional_metrics: z.record(z.string(), z.number()).optional(),
});
export type MetricsInfo = z.infer<typeof MetricsInfo>;

export const CheckpointingConfig = z.object({
  monitor: z.string(),
  mode: z.enum(["min", "max"]),
  save_top_k: z.int(),
  save_last: z.boolean(),
});
export type CheckpointingConfig = z.infer<typeof CheckpointingConfig>;

export const SAFETY_STATUSES = ["safe", "unknown", "unsafe"] as const;

export const PrimaryMetric = z.object({
  name: z.string(),
  value: MetricValue,
  higher_is_better: z.boolean(),
});
export type PrimaryMetric = z.infer<typeof PrimaryMetric>;

export const SafetyInfo = z.object({
  status: z.enum(SAFETY_STATUSES),
  /** Pickle globals known to execute code, e.g. `os.system`. */
  dangerous: z.array(z.string()),
  /** Pickle globals not on the allow-list. */
  unknown: z.array(z.string()),
});
export type SafetyInfo = z.infer<typeof SafetyInfo>;

/** Our additions, under one key Python readers ignore. */
export const CkptExtension = z.object({
  framework: z.string(),
  task: z.string().optional(),
  primary_metric: PrimaryMetric.optional(),
  file: z.object({ size: z.int().min(0), mtime: IsoTimestamp }).optional(),
  safety: SafetyInfo.optional(),
  /** Field path → where its value came from: "checkpoint", "hparams.yaml", "metrics.csv@step=24", "hydra", "filename". */
  sources: z.record(z.string(), z.string()).optional(),
  generator: z.object({ name: z.string(), version: z.string() }),
});
export type CkptExtension = z.infer<typeof CkptExtension>;

export const CheckpointMetadataV1 = z.object({
  schema_version: SchemaVersionField,
  checkpoint_path: z.string(),
  exp_name: z.string(),
  created_at: IsoTimestamp,
  training: TrainingInfo,
  model: ModelInfo,
  metrics: MetricsInfo,
  checkpointing: CheckpointingConfig,
  hydra_config_path: z.string().nullable().optional(),
  wandb_run_id: z.string().nullable().optional(),
  ckpt: CkptExtension.optional(),
});
export type CheckpointMetadataV1 = z.infer<typeof CheckpointMetadataV1>;

/** Top-level keys a V1 sidecar may hold; anything else is reported as a warning and dropped. */
export const METADATA_TOP_LEVEL_KEYS: readonly string[] = Object.keys(CheckpointMetadataV1.shape);

const FLOAT_METRICS = new Set(["precision", "recall", "hmean", "validation_loss"]);

/**
 * Which numbers in a sidecar are Python floats (so `1` is written `1.0`): the metrics, every additional metric and
 * the primary metric's value. Pass it as `stringifyPythonYaml`'s `isFloat`. Numbers inside free-form `params` are
 * written as ints when integral, because their Python type is not known.
 */
export function isMetadataFloatPath(path: readonly (string | number)[]): boolean {
  const [section, field] = path;
  if (section === "metrics") {
    return (
      (path.length === 2 && FLOAT_METRICS.has(String(field))) ||
      (field === "additional_metrics" && path.length === 3)
    );
  }
  return section === "ckpt" && field === "primary_metric" && path[2] === "value" && path.length === 3;
}
