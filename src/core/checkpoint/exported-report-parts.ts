import { z } from "zod";
import { PlainJsonValue } from "./checkpoint-report-parts.ts";

// Facts of exported single-file models (GGUF, ONNX, Keras 3 `.keras`, NeMo `.nemo`), named as the fixtures'
// truth files name them (gguf: `docs/gguf.md` keys; onnx: `onnx.proto` field names).

const Int = z.number().int();
const Scalar = z.union([z.number(), z.string(), z.boolean()]);

export const GgufKvValue = z.object({
  type: z.array(z.string()),
  value: Scalar.optional(),
  truncated: z.boolean().optional(),
  count: Int.optional(),
  first: z.array(Scalar).optional(),
});

export const GgufTensorInfo = z.object({
  name: z.string(),
  shape: z.array(Int),
  type: z.string(),
  n_elements: Int,
  n_bytes: Int.nullable(),
  data_offset: Int,
});

export const GgufSummary = z.object({
  magic: z.literal("GGUF"),
  version: Int,
  tensor_count: Int,
  kv_count: Int,
  alignment: Int,
  data_offset: Int,
  "general.architecture": z.string().nullable(),
  "general.name": z.string().nullable(),
  "general.file_type": Int.nullable(),
  /** `general.file_type` by llama.cpp's name for it (`MOSTLY_Q8_0`); null when absent or unknown. */
  quantization: z.string().nullable(),
  /** `<general.architecture>.context_length`. */
  context_length: Int.nullable(),
  kv: z.record(z.string(), GgufKvValue),
  /** Tensors per ggml type, e.g. `{ Q8_0: 7, F32: 3 }`. */
  tensor_types: z.record(z.string(), Int),
  n_elements_total: Int,
  /** Null when a tensor's type has no size ckpt knows. */
  n_bytes_total: Int.nullable(),
  tensors: z.array(GgufTensorInfo),
});
export type GgufSummary = z.infer<typeof GgufSummary>;

const ValueInfo = z.object({
  name: z.string(),
  elem_type: z.string().nullable(),
  shape: z.array(z.union([Int, z.string()])).nullable(),
});

export const OnnxSummary = z.object({
  ir_version: Int.nullable(),
  producer_name: z.string(),
  producer_version: z.string(),
  domain: z.string(),
  model_version: Int,
  doc_string: z.string(),
  opset_import: z.array(z.object({ domain: z.string(), version: Int })),
  metadata_props: z.record(z.string(), z.string()),
  graph_bytes: Int,
  graph_name: z.string().optional(),
  inputs: z.array(ValueInfo).optional(),
  outputs: z.array(ValueInfo).optional(),
  initializers: z.array(z.object({ name: z.string(), dims: z.array(Int), data_type: z.string() })).optional(),
  initializer_count: Int.optional(),
  node_count: Int.optional(),
  op_types: z.array(z.string()).optional(),
  graph_walk_cut_at: Int.optional(),
});
export type OnnxSummary = z.infer<typeof OnnxSummary>;

export const KerasSummary = z.object({
  /** From `metadata.json`. */
  keras_version: z.string().nullable(),
  date_saved: z.string().nullable(),
  /** From `config.json` (`serialize_keras_object(model)`). */
  module: z.string().nullable(),
  class_name: z.string().nullable(),
  name: z.string().nullable(),
  layer_count: Int.nullable(),
  /** `model.weights.h5` or `model.weights.npz`, and its stored size (never read). */
  weights_file: z.string().nullable(),
  weights_bytes: Int.nullable(),
  entries: z.array(z.string()),
  /** `config.json` holds `__lambda__` functions (marshaled Python code; Keras runs it only with safe_mode=False). */
  python_lambdas: z.boolean(),
});
export type KerasSummary = z.infer<typeof KerasSummary>;

export const NemoSummary = z.object({
  /** Every tar member (`./` prefix removed), with its size; directories end in `/`. */
  members: z.array(z.object({ name: z.string(), size: Int })),
  config_file: z.string(),
  /** `model_config.yaml` as PyYAML's safe_load reads it. */
  model_config: PlainJsonValue,
  /** `target` of the config: the model class NeMo restores. */
  target: z.string().nullable(),
  /** Members holding weights (`model_weights.ckpt`, per-rank copies, sharded `model_weights/`), and their sum. */
  weights_files: z.array(z.string()),
  weights_bytes: Int,
});
export type NemoSummary = z.infer<typeof NemoSummary>;
