import type { ByteSource } from "../bytes/byte-source.ts";
import { ggufDataVerdict } from "../formats/gguf/gguf-completeness.ts";
import { type GgufHeader, readGgufHeader } from "../formats/gguf/gguf-header.ts";
import { GGUF_FILE_TYPES } from "../formats/gguf/gguf-tables.ts";
import { isKerasArchive, type KerasArchive, readKerasArchive } from "../formats/keras/keras-archive.ts";
import { isNemoArchive, readNemoArchive } from "../formats/nemo/nemo-archive.ts";
import { readTarMembers } from "../formats/nemo/tar-members.ts";
import { readOnnxModel } from "../formats/onnx/onnx-model.ts";
import { readZipDirectory } from "../formats/zip-directory.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import type { CheckpointReport, ReportErrorCode, ReportStatus } from "./checkpoint-report.ts";
import type { GgufSummary, NemoSummary } from "./exported-report-parts.ts";
import { failedReport } from "./report-outcome.ts";

/** Exported models hold no pickle: nothing in them runs on load. */
const NO_PICKLE = { status: "safe" as const, dangerous: [], unknown: [], notes: [] };

/**
 * The step a model file records about its training, when it records one: the `training.step` key (a GGUF KV
 * or an ONNX `metadata_props` entry) as a non-negative integer. No standard key exists; nothing else is guessed.
 */
function trainingStepOf(value: unknown): number | undefined {
  const step = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof step === "number" && Number.isSafeInteger(step) && step >= 0 ? step : undefined;
}

const GGUF_FAILURE: Readonly<Record<string, [ReportStatus, ReportErrorCode]>> = {
  incomplete: ["incomplete", "gguf-incomplete"],
  corrupt: ["corrupt", "gguf-corrupt"],
  "over-cap": ["too-large", "gguf-too-large"],
  unsupported: ["not-a-checkpoint", "gguf-unsupported"],
};

export function ggufReport(base: CheckpointReport, source: ByteSource): CheckpointReport {
  const withFramework = { ...base, framework: "gguf" as const, framework_confidence: 1, safety: NO_PICKLE };
  const header = readGgufHeader(source);
  if (!header.success) {
    const [status, code] = GGUF_FAILURE[header.error.code] ?? ["corrupt", "gguf-corrupt"];
    return failedReport(withFramework, { status, code, message: `GGUF: ${header.error.message}` });
  }
  const summary = summarizeGguf(header.data);
  const step = trainingStepOf(header.data.kv["training.step"]?.value);
  const report = { ...withFramework, gguf: summary, ...(step === undefined ? {} : { global_step: step }) };
  const verdict = ggufDataVerdict(header.data, source.size);
  if (verdict.state === "incomplete")
    return failedReport(report, { status: "incomplete", code: "gguf-incomplete", message: verdict.reason });
  return verdict.state === "unknown" ? { ...report, warnings: [verdict.reason] } : report;
}

function kvScalar(header: GgufHeader, key: string): string | number | boolean | undefined {
  return Object.hasOwn(header.kv, key) ? header.kv[key]?.value : undefined;
}

function summarizeGguf(header: GgufHeader): GgufSummary {
  const architecture = kvScalar(header, "general.architecture");
  const name = kvScalar(header, "general.name");
  const fileType = kvScalar(header, "general.file_type");
  const context =
    typeof architecture === "string" ? kvScalar(header, `${architecture}.context_length`) : undefined;
  const tensorTypes: Record<string, number> = {};
  for (const tensor of header.tensors) tensorTypes[tensor.type] = (tensorTypes[tensor.type] ?? 0) + 1;
  const sizes = header.tensors.map((tensor) => tensor.n_bytes);
  return {
    magic: header.magic,
    version: header.version,
    tensor_count: header.tensor_count,
    kv_count: header.kv_count,
    alignment: header.alignment,
    data_offset: header.data_offset,
    "general.architecture": typeof architecture === "string" ? architecture : null,
    "general.name": typeof name === "string" ? name : null,
    "general.file_type": typeof fileType === "number" ? fileType : null,
    quantization: typeof fileType === "number" ? (GGUF_FILE_TYPES[fileType] ?? null) : null,
    context_length: typeof context === "number" && Number.isSafeInteger(context) ? context : null,
    kv: header.kv,
    tensor_types: tensorTypes,
    n_elements_total: header.tensors.reduce((sum, tensor) => sum + tensor.n_elements, 0),
    n_bytes_total: sizes.includes(null) ? null : (sizes as number[]).reduce((sum, n) => sum + n, 0),
    tensors: header.tensors,
  };
}

export function onnxReport(base: CheckpointReport, source: ByteSource): CheckpointReport {
  const withFramework = { ...base, framework: "onnx" as const, framework_confidence: 1, safety: NO_PICKLE };
  const model = readOnnxModel(source);
  if (!model.success) {
    const incomplete = model.error.code === "incomplete";
    return failedReport(withFramework, {
      status: incomplete ? "incomplete" : "corrupt",
      code: incomplete ? "onnx-incomplete" : "onnx-corrupt",
      message: `ONNX: ${model.error.message}`,
    });
  }
  const step = trainingStepOf(model.data.metadata_props["training.step"]);
  return { ...withFramework, onnx: model.data, ...(step === undefined ? {} : { global_step: step }) };
}

/** A Keras 3 `.keras` zip, or undefined when the zip is not one (the caller reports it as another zip). */
export function kerasReport(
  base: CheckpointReport,
  options: { source: ByteSource; inflate?: InflateRaw },
): CheckpointReport | undefined {
  const directory = readZipDirectory(options.source);
  if (!directory.success || !isKerasArchive(directory.data)) return undefined;
  const withFramework = { ...base, framework: "keras" as const, framework_confidence: 1, safety: NO_PICKLE };
  const archive = readKerasArchive(options.source, {
    directory: directory.data,
    ...(options.inflate ? { inflate: options.inflate } : {}),
  });
  if (archive.success) return { ...withFramework, keras: archive.data, safety: kerasSafety(archive.data) };
  const [status, code] = KERAS_FAILURE[archive.error.code];
  return failedReport(withFramework, { status, code, message: `Keras archive: ${archive.error.message}` });
}

const KERAS_FAILURE: Readonly<
  Record<"incomplete" | "corrupt" | "over-cap", [ReportStatus, ReportErrorCode]>
> = {
  incomplete: ["incomplete", "keras-incomplete"],
  corrupt: ["corrupt", "keras-corrupt"],
  "over-cap": ["too-large", "keras-corrupt"],
};

/**
 * A `.keras` file runs code on load only through what Keras itself unpickles or unmarshals: `__lambda__` layers
 * (refused unless `safe_mode=False`) and `model.weights.npz`, which older `NpzIOStore`s open with `allow_pickle=True`.
 */
function kerasSafety(archive: KerasArchive): CheckpointReport["safety"] {
  const notes = [
    ...(archive.python_lambdas
      ? [
          "config.json holds Lambda layer code (marshaled Python); keras.saving.load_model runs it only with safe_mode=False",
        ]
      : []),
    ...(archive.weights_file?.endsWith(".npz")
      ? [
          "model.weights.npz: Keras 3 releases before the allow_pickle=False fix load it with allow_pickle=True, and ckpt did not scan its arrays for pickles",
        ]
      : []),
  ];
  return { status: notes.length > 0 ? "unknown" : "safe", dangerous: [], unknown: [], notes };
}

/** A NeMo `.nemo` tar, or undefined when the tar is not one (the caller reports it as a pre-0.4 torch tar). */
export function nemoReport(base: CheckpointReport, source: ByteSource): CheckpointReport | undefined {
  const listing = readTarMembers(source);
  if (!isNemoArchive(listing.members)) return undefined;
  const withFramework = { ...base, framework: "nemo" as const, framework_confidence: 1, safety: NEMO_SAFETY };
  if (listing.error !== null) {
    const incomplete = listing.error.code === "incomplete";
    return failedReport(withFramework, {
      status: incomplete ? "incomplete" : "corrupt",
      code: incomplete ? "nemo-incomplete" : "nemo-corrupt",
      message: `NeMo archive: ${listing.error.message}`,
    });
  }
  const archive = readNemoArchive(source, listing.members);
  // `toPlainData` leaves only JSON values (numbers, strings, booleans, null, arrays, records) in the config.
  const config = archive.success ? (archive.data.model_config as NemoSummary["model_config"]) : null;
  if (archive.success) return { ...withFramework, nemo: { ...archive.data, model_config: config } };
  const status = archive.error.code === "over-cap" ? "too-large" : "corrupt";
  return failedReport(withFramework, {
    status,
    code: "nemo-corrupt",
    message: `NeMo archive: ${archive.error.message}`,
  });
}

/** The weights inside are torch.save pickles ckpt lists but does not scan: say so instead of claiming safe. */
const NEMO_SAFETY: CheckpointReport["safety"] = {
  status: "unknown",
  dangerous: [],
  unknown: [],
  notes: [
    "the model weights inside the .nemo are torch.save pickles ckpt did not scan; extract and inspect them",
  ],
};
