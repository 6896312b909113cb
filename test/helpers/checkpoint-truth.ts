// Test-only: which report fields are compared with a fixture's truth file, and how.
import type { CheckpointReport } from "../../src/core/checkpoint/checkpoint-report.ts";
import type { Truth } from "./read-truth.ts";

/** Report fields that carry a truth-file name; compared whole with `toEqual`. */
export const TRUTH_FIELDS = [
  "container",
  "framework",
  "size_bytes",
  "zip",
  "pickle_globals",
  "top_level_type",
  "top_level_keys",
  "epoch",
  "global_step",
  "pytorch-lightning_version",
  "hparams_name",
  "hyper_parameters",
  "hyper_parameters_resolved",
  "hparams_type",
  "datamodule_hparams_name",
  "datamodule_hyper_parameters",
  "has_hyper_parameters",
  "cleval_metrics",
  "callbacks_keys",
  "callbacks",
  "model_checkpoint_states",
  "optimizer_states",
  "lr_schedulers",
  "loops_keys",
  "state_dict",
  "arch",
  "metric",
  "version",
  "args",
  "args_type",
  "has_state_dict_ema",
  "state_dict_ema",
  "optimizer",
  "best_fitness",
  "date",
  "license",
  "docs",
  "updates",
  "train_args",
  "train_metrics",
  "train_results_keys",
  "model_is_none",
  "ema_is_none",
  "optimizer_is_none",
  "model_info",
  "ema_info",
  "model_state_dict",
  "ema_state_dict",
  "kind",
  "state_dict_key",
  "other_values",
  "safetensors",
  "gguf",
  "onnx",
] as const satisfies readonly (keyof CheckpointReport)[];

/** The truth files list only a chosen subset of timm `args` / Ultralytics `train_args`. */
const SUBSET_FIELDS = new Set<string>(["args", "train_args", "gguf", "onnx"]);
/** Truth-file prose, not facts: `tensor_shape_order` explains the GGUF shape order. */
const DESCRIPTION_KEYS = new Set<string>(["tensor_shape_order"]);
const PICKLE_ERROR_MARKER = "<pickle error>";

/**
 * The truth's side and the report's side of the comparison. For loadable fixtures every report field that is
 * set (not null) must also be in the truth, so extra facts fail the test too; broken fixtures compare the truth's
 * fields only (what a damaged file still shows).
 */
export function truthComparison(
  report: CheckpointReport,
  truth: Truth,
  options: { strict: boolean },
): { actual: Record<string, unknown>; expected: Record<string, unknown> } {
  const actual: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  const truthWithStep = withTrainingStep(truth);
  for (const field of TRUTH_FIELDS) {
    const inTruth = field in truthWithStep && !(field === "zip" && isErrorZip(truth[field]));
    const value = report[field];
    if (!inTruth && (!options.strict || value === undefined || value === null)) continue;
    if (inTruth) expected[field] = expectedValue(field, truthWithStep[field]);
    actual[field] = SUBSET_FIELDS.has(field) && inTruth ? pick(value, expected[field]) : value;
  }
  return { actual, expected };
}

function isErrorZip(value: unknown): boolean {
  return typeof value === "object" && value !== null && "error" in value;
}

/**
 * Exported models (GGUF, ONNX) carry their step as a `training.step` key, which ckpt reports as `global_step`;
 * the truth files list the key only.
 */
export function withTrainingStep(truth: Truth): Truth {
  const gguf = truth["gguf"] as { kv?: Record<string, { value?: unknown }> } | undefined;
  const onnx = truth["onnx"] as { metadata_props?: Record<string, string> } | undefined;
  const step = gguf?.kv?.["training.step"]?.value ?? onnx?.metadata_props?.["training.step"];
  return step === undefined ? truth : { ...truth, global_step: Number(step) };
}

function expectedValue(field: string, value: unknown): unknown {
  // `onnx (protobuf ModelProto)`: the truth describes the container in words after its name.
  if (field === "container" && typeof value === "string") return value.replace(/ \(.*\)$/, "");
  if ((field === "gguf" || field === "onnx") && typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).filter(([key]) => !DESCRIPTION_KEYS.has(key)));
  if (field === "pickle_globals" && Array.isArray(value))
    return value.filter((name) => typeof name !== "string" || !name.startsWith(PICKLE_ERROR_MARKER));
  return value;
}

function pick(value: unknown, like: unknown): unknown {
  if (typeof value !== "object" || value === null || typeof like !== "object" || like === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(like).map((key) => [key, record[key]]));
}
