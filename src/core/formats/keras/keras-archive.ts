import type { ByteSource } from "../../bytes/byte-source.ts";
import { INPUT_CAPS } from "../../input-caps.ts";
import { fail, ok, type Result } from "../../result.ts";
import { parsePythonJson } from "../python-json.ts";
import type { ZipDirectory, ZipEntry } from "../zip-directory.ts";
import { type InflateRaw, readZipEntry } from "../zip-entry-reader.ts";

/** `keras/src/saving/saving_lib.py`: `_METADATA_FILENAME`, `_CONFIG_FILENAME`, `_VARS_FNAME` + `.h5`/`.npz`. */
export const KERAS_METADATA = "metadata.json";
export const KERAS_CONFIG = "config.json";
export const KERAS_WEIGHTS = ["model.weights.h5", "model.weights.npz"] as const;

export type KerasArchive = {
  keras_version: string | null;
  date_saved: string | null;
  module: string | null;
  class_name: string | null;
  name: string | null;
  layer_count: number | null;
  weights_file: string | null;
  weights_bytes: number | null;
  entries: string[];
  /** `config.json` holds `__lambda__` functions: marshaled Python code that `load_model` runs only with `safe_mode=False`. */
  python_lambdas: boolean;
};

export type KerasErrorCode = "incomplete" | "corrupt" | "over-cap";
export type KerasError = { readonly code: KerasErrorCode; readonly message: string };

/**
 * Is this zip a Keras 3 `.keras` archive? `saving_lib._save_model_to_fileobj` writes `metadata.json` and
 * `config.json` at the root, then the weights; a zip with both JSON files is one, weights or not.
 */
export function isKerasArchive(directory: ZipDirectory): boolean {
  const names = new Set(directory.entries.map((entry) => entry.name));
  return names.has(KERAS_METADATA) && names.has(KERAS_CONFIG);
}

/**
 * Reads `metadata.json` (keras_version, date_saved) and `config.json` (the serialized model: module,
 * class_name, config.name, config.layers) of a `.keras` zip, and sizes the weights file without reading it.
 */
export function readKerasArchive(
  source: ByteSource,
  options: { directory: ZipDirectory; inflate?: InflateRaw },
): Result<KerasArchive, KerasError> {
  const entries = options.directory.entries;
  const find = (name: string) => entries.find((entry) => entry.name === name);
  const metadataJson = readJson(source, { entry: find(KERAS_METADATA), inflate: options.inflate });
  if (!metadataJson.success) return metadataJson;
  const metadata = { data: metadataJson.data.value };
  const configJson = readJson(source, { entry: find(KERAS_CONFIG), inflate: options.inflate });
  if (!configJson.success) return configJson;
  const config = { data: configJson.data.value, lambdas: configJson.data.text.includes('"__lambda__"') };
  const weights = entries.find((entry) => (KERAS_WEIGHTS as readonly string[]).includes(entry.name));
  if (weights === undefined)
    return fail({
      code: "incomplete",
      message: `no ${KERAS_WEIGHTS.join(" or ")} in the archive: Keras writes the weights after the config, so the save did not finish (save the model again)`,
    });
  const inner = record(config.data["config"]);
  const layers = inner["layers"];
  return ok({
    keras_version: text(metadata.data["keras_version"]),
    date_saved: text(metadata.data["date_saved"]),
    module: text(config.data["module"]),
    class_name: text(config.data["class_name"]),
    name: text(inner["name"]),
    layer_count: Array.isArray(layers) ? layers.length : null,
    weights_file: weights.name,
    weights_bytes: weights.uncompressedSize,
    entries: entries.map((entry) => entry.name),
    python_lambdas: config.lambdas,
  });
}

function readJson(
  source: ByteSource,
  from: { entry: ZipEntry | undefined; inflate: InflateRaw | undefined },
): Result<{ value: Record<string, unknown>; text: string }, KerasError> {
  const { entry } = from;
  if (entry === undefined) return fail({ code: "corrupt", message: "a Keras JSON file is missing" });
  const bytes = readZipEntry(source, entry, {
    maxBytes: INPUT_CAPS.configFile.bytes,
    ...(from.inflate ? { inflate: from.inflate } : {}),
  });
  if (!bytes.success)
    return bytes.error.code === "entry-too-large"
      ? fail({
          code: "over-cap",
          message: `${entry.name}: ${bytes.error.message} for ${INPUT_CAPS.configFile.what}; it was not read (the model may be fine)`,
        })
      : fail({ code: "corrupt", message: `${entry.name}: ${bytes.error.message} (save the model again)` });
  let textValue: string;
  try {
    textValue = new TextDecoder("utf-8", { fatal: true }).decode(bytes.data);
  } catch {
    return fail({ code: "corrupt", message: `${entry.name} is not UTF-8 text (save the model again)` });
  }
  const parsed = parsePythonJson(textValue);
  if (
    !parsed.success ||
    typeof parsed.data !== "object" ||
    parsed.data === null ||
    Array.isArray(parsed.data)
  )
    return fail({ code: "corrupt", message: `${entry.name} is not a JSON object (save the model again)` });
  return ok({ value: parsed.data as Record<string, unknown>, text: textValue });
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
