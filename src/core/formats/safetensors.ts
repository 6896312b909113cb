import { z } from "zod";
import type { ByteSource } from "../bytes/byte-source.ts";
import { readU64 } from "../bytes/little-endian.ts";
import { INPUT_CAPS, isOverCap, tooLargeMessage } from "../input-caps.ts";
import { fail, ok, type Result } from "../result.ts";

/** The reference reader's `MAX_HEADER_SIZE`. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** Bits per element (`safetensors/src/tensor.rs Dtype::bitsize`). */
export const SAFETENSORS_DTYPE_BITS = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
} as const;

export const SAFETENSORS_ERROR_CODES = [
  "incomplete",
  "header-too-large",
  "over-cap",
  "invalid-header",
  "invalid-tensor",
  "invalid-offsets",
  "trailing-bytes",
] as const;
export type SafetensorsErrorCode = (typeof SAFETENSORS_ERROR_CODES)[number];
/**
 * `incomplete` = shorter than the header promises (still being written); `over-cap` = a header ckpt does not read
 * (over `INPUT_CAPS.safetensorsHeader`, the file may be fine); every other code means corrupt.
 */
export type SafetensorsError = { readonly code: SafetensorsErrorCode; readonly message: string };

export type SafetensorsTensor = {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Relative to the data section (`8 + headerLength`), end exclusive. */
  readonly dataOffsets: readonly [number, number];
};

export type SafetensorsHeader = {
  readonly headerLength: number;
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** In header order. */
  readonly tensors: readonly SafetensorsTensor[];
  /** `max(end)` = the data section's length. */
  readonly dataSectionBytes: number;
};

const TensorInfo = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
const Metadata = z.record(z.string(), z.string());

const safetensorsError = (code: SafetensorsErrorCode, message: string) =>
  fail<SafetensorsError>({ code, message });

/** Reads and validates the header and checks `8 + N + max(end) == size`, without touching tensor bytes. */
export function readSafetensorsHeader(source: ByteSource): Result<SafetensorsHeader, SafetensorsError> {
  const lengthBytes = source.read(0, 8);
  if (lengthBytes.length < 8)
    return safetensorsError(
      "incomplete",
      "shorter than the 8-byte header length; still being written or truncated",
    );
  const headerLength = readU64(lengthBytes, 0);
  if (headerLength === undefined || headerLength > SAFETENSORS_MAX_HEADER_BYTES)
    return safetensorsError(
      "header-too-large",
      `header length ${headerLength ?? ">2^53"} exceeds ${SAFETENSORS_MAX_HEADER_BYTES} bytes; not a safetensors file`,
    );
  if (isOverCap(headerLength, INPUT_CAPS.safetensorsHeader))
    return safetensorsError(
      "over-cap",
      tooLargeMessage({
        file: "its header",
        size: headerLength,
        cap: INPUT_CAPS.safetensorsHeader,
        advice: "the file may be fine: list its tensors with safetensors.safe_open in Python",
      }),
    );
  if (8 + headerLength > source.size)
    return safetensorsError(
      "incomplete",
      `header needs ${8 + headerLength} bytes but the file has ${source.size}; still being written or truncated`,
    );
  const parsed = parseHeaderJson(source.read(8, headerLength));
  if (!parsed.success) return parsed;
  const tensors = parseTensors(parsed.data);
  if (!tensors.success) return tensors;
  const { __metadata__: rawMetadata } = parsed.data;
  const metadata =
    rawMetadata === undefined ? undefined : (plainMetadata(rawMetadata) ?? Metadata.safeParse(rawMetadata));
  if (metadata !== undefined && !metadata.success)
    return safetensorsError("invalid-header", "__metadata__ must map strings to strings; re-save the file");
  const end = checkOffsets(tensors.data);
  if (!end.success) return end;
  const expected = 8 + headerLength + end.data;
  if (expected > source.size)
    return safetensorsError(
      "incomplete",
      `tensors need ${expected} bytes but the file has ${source.size}; still being written or truncated`,
    );
  if (expected < source.size)
    return safetensorsError(
      "trailing-bytes",
      `${source.size - expected} bytes after the last tensor; the file is damaged, re-save it`,
    );
  return ok({ headerLength, metadata: metadata?.data, tensors: tensors.data, dataSectionBytes: end.data });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function parseHeaderJson(bytes: Uint8Array): Result<Record<string, unknown>, SafetensorsError> {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return safetensorsError(
      "invalid-header",
      "header is not valid UTF-8 JSON; the file is damaged or not safetensors",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return safetensorsError(
      "invalid-header",
      "header is not a JSON object; the file is damaged or not safetensors",
    );
  return ok(value as Record<string, unknown>);
}

function numel(shape: readonly number[]): number {
  let product = 1;
  for (let i = 0; i < shape.length; i++) product *= shape[i] as number;
  return product;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The common case of `TensorInfo` checked by hand (zod per tensor was a third of reading a small safetensors
 * file): only a value the schema accepts passes, with exactly the schema's fields; anything else goes to the schema.
 */
function plainTensorInfo(raw: unknown): z.infer<typeof TensorInfo> | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== "string" || !Array.isArray(shape) || !shape.every(isCount)) return undefined;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isCount(offsets[0]) || !isCount(offsets[1]))
    return undefined;
  return { dtype, shape, data_offsets: [offsets[0], offsets[1]] };
}

/** `Metadata` checked by hand for the common case (an object of strings); anything else goes to the schema. */
function plainMetadata(raw: unknown): { success: true; data: Record<string, string> } | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const data: Record<string, string> = {};
  for (const key in raw) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value !== "string" || key === "__proto__") return undefined;
    data[key] = value;
  }
  return { success: true, data };
}

/** The tensor entries in header order; each checked by hand, or by the schema when the hand check refuses it. */
function parseTensors(header: Record<string, unknown>): Result<SafetensorsTensor[], SafetensorsError> {
  const tensors: SafetensorsTensor[] = [];
  // for…in, not Object.entries: no [name, value] pair per tensor (JSON.parse makes only own, plain properties).
  for (const name in header) {
    if (name === "__metadata__") continue;
    const raw = header[name];
    const plain = plainTensorInfo(raw);
    const checked = plain === undefined ? TensorInfo.safeParse(raw) : undefined;
    const info = plain ?? (checked?.success ? checked.data : undefined);
    if (info === undefined)
      return safetensorsError(
        "invalid-tensor",
        `tensor "${name}" needs dtype, shape and data_offsets; the file is damaged`,
      );
    const { dtype, shape, data_offsets: offsets } = info;
    const bits = SAFETENSORS_DTYPE_BITS[dtype as keyof typeof SAFETENSORS_DTYPE_BITS] as number | undefined;
    if (bits === undefined)
      return safetensorsError("invalid-tensor", `tensor "${name}" has unknown dtype "${dtype}"`);
    const bitCount = numel(shape) * bits;
    if (bitCount % 8 !== 0 || offsets[1] < offsets[0] || offsets[1] - offsets[0] !== bitCount / 8)
      return safetensorsError(
        "invalid-offsets",
        `tensor "${name}" spans ${offsets[1] - offsets[0]} bytes but ${dtype}${JSON.stringify(shape)} needs ${bitCount / 8}`,
      );
    tensors.push({ name, dtype, shape, dataOffsets: offsets });
  }
  return ok(tensors);
}

/** Every data byte belongs to exactly one tensor: sorted by start, each begins where the previous ended. */
function checkOffsets(tensors: readonly SafetensorsTensor[]): Result<number, SafetensorsError> {
  const sorted = [...tensors].sort(
    (a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  let end = 0;
  for (const tensor of sorted) {
    if (tensor.dataOffsets[0] !== end)
      return safetensorsError(
        "invalid-offsets",
        `tensor "${tensor.name}" starts at ${tensor.dataOffsets[0]}, expected ${end} (hole or overlap); the file is damaged`,
      );
    end = tensor.dataOffsets[1];
  }
  return ok(end);
}

/** The `safetensors` object of a checkpoint's JSON report (and of the fixtures' truth files). */
export const SafetensorsSummary = z.object({
  header_len: z.number().int(),
  metadata: z.record(z.string(), z.string()).nullable(),
  tensor_count: z.number().int(),
  numel_total: z.number().int(),
  dtypes: z.record(z.string(), z.number().int()),
  data_section_bytes: z.number().int(),
  offsets_cover_data: z.boolean(),
  tensors: z.record(z.string(), z.object({ dtype: z.string(), shape: z.array(z.number().int()) })),
});
export type SafetensorsSummary = z.infer<typeof SafetensorsSummary>;

/** `offsets_cover_data` is always true here: a header that fails the check is an error, not a summary. */
export function summarizeSafetensors(header: SafetensorsHeader): SafetensorsSummary {
  // One loop over the tensors for the counts and the per-tensor record (they were four passes and a pair each).
  const dtypes: Record<string, number> = {};
  const tensors: SafetensorsSummary["tensors"] = {};
  let numelTotal = 0;
  for (const tensor of header.tensors) {
    dtypes[tensor.dtype] = (dtypes[tensor.dtype] ?? 0) + 1;
    numelTotal += numel(tensor.shape);
    // Defined, not assigned: a tensor named `__proto__` is a key like any other (as Object.fromEntries made it).
    Object.defineProperty(tensors, tensor.name, {
      value: { dtype: tensor.dtype, shape: [...tensor.shape] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    header_len: header.headerLength,
    metadata: header.metadata === undefined ? null : { ...header.metadata },
    tensor_count: header.tensors.length,
    numel_total: numelTotal,
    dtypes,
    data_section_bytes: header.dataSectionBytes,
    offsets_cover_data: true,
    tensors,
  };
}

/** `model.safetensors.index.json` (also `pytorch_model.bin.index.json`). */
export const SafetensorsIndex = z.object({
  metadata: z.looseObject({ total_size: z.number().int().nonnegative().optional() }).optional(),
  weight_map: z.record(z.string(), z.string()),
});
export type SafetensorsIndex = z.infer<typeof SafetensorsIndex>;

/** Parses a sharded-weights index; `shards` are the distinct shard files in first-seen order. */
export function parseSafetensorsIndex(text: string): Result<SafetensorsIndex & { shards: string[] }, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail("index is not valid JSON; the file is damaged or still being written");
  }
  const parsed = SafetensorsIndex.safeParse(value);
  if (!parsed.success)
    return fail(`index does not match {metadata, weight_map}: ${z.prettifyError(parsed.error)}`);
  return ok({ ...parsed.data, shards: [...new Set(Object.values(parsed.data.weight_map))] });
}
