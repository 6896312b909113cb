import { type ByteCursor, byteCursor, CursorStop } from "../../bytes/byte-cursor.ts";
import type { ByteSource } from "../../bytes/byte-source.ts";
import { readU32 } from "../../bytes/little-endian.ts";
import { INPUT_CAPS, tooLargeMessage } from "../../input-caps.ts";
import { fail, ok, type Result } from "../../result.ts";
import { GGML_TYPES } from "./gguf-tables.ts";
import {
  GgufCorrupt,
  type GgufValue,
  type GgufWidths,
  readCount,
  readString,
  readValue,
} from "./gguf-values.ts";

/** `GGUF` read as a little-endian u32. */
export const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46] as const;
/** Versions ggml has defined; a big-endian file reads its version byte-swapped (e.g. 0x03000000). */
export const GGUF_VERSIONS = [1, 2, 3] as const;
const DEFAULT_ALIGNMENT = 32;
/** `GGML_MAX_DIMS`. */
const MAX_DIMS = 4;
/** Smallest possible KV (8-byte key length, 4-byte type, 1-byte value) and tensor info (8+4+4+8). */
const MIN_KV_BYTES = 13;
/**
 * Entries ckpt keeps in memory: llama.cpp writes a few dozen KVs, and the largest MoE exports a few tens of
 * thousands of tensors. Past these a hostile header could make millions of objects inside the byte cap.
 */
const MAX_KVS = 65_536;
const MAX_TENSORS = 200_000;
const MIN_TENSOR_BYTES = 24;

export type GgufTensor = {
  readonly name: string;
  /** ggml `ne` order (innermost dimension first), as the file stores it. */
  readonly shape: number[];
  readonly type: string;
  readonly n_elements: number;
  /** Null for a ggml type ckpt does not know the block size of. */
  readonly n_bytes: number | null;
  /** Absolute offset in the file. */
  readonly data_offset: number;
};

export type GgufHeader = {
  readonly magic: "GGUF";
  readonly version: number;
  readonly tensor_count: number;
  readonly kv_count: number;
  readonly alignment: number;
  /** Where the tensor data section starts (after the tensor table, padded to `alignment`). */
  readonly data_offset: number;
  readonly kv: Record<string, GgufValue>;
  readonly tensors: GgufTensor[];
  /** End of the last tensor's bytes; null when a tensor's type has no known size. */
  readonly data_end: number | null;
};

export type GgufErrorCode = "incomplete" | "corrupt" | "over-cap" | "unsupported";
export type GgufError = { readonly code: GgufErrorCode; readonly message: string };

const ggufError = (code: GgufErrorCode, message: string) => fail<GgufError>({ code, message });

/**
 * Reads a GGUF header (ggml `docs/gguf.md`): version, KV metadata and the tensor table, never the tensor data.
 * Arrays (a tokenizer's 150k-entry vocabulary) are walked with only their first five elements kept; the walk
 * stops at `INPUT_CAPS.ggufHeader` bytes, so a hostile count can neither allocate nor loop for long.
 */
export function readGgufHeader(source: ByteSource): Result<GgufHeader, GgufError> {
  const cursor = byteCursor(source, { cap: INPUT_CAPS.ggufHeader.bytes });
  try {
    return readHeader(cursor);
  } catch (cause) {
    if (cause instanceof CursorStop) return stopError(cause, source.size);
    if (cause instanceof GgufCorrupt)
      return ggufError("corrupt", `${cause.message}; the file is damaged: re-download or re-convert it`);
    throw cause;
  }
}

function stopError(stop: CursorStop, size: number) {
  if (stop.reason === "cap")
    return ggufError(
      "over-cap",
      tooLargeMessage({
        file: "its header",
        size: stop.at,
        cap: INPUT_CAPS.ggufHeader,
        advice: "the file may be fine: read it with gguf-py's GGUFReader",
      }),
    );
  return ggufError(
    "incomplete",
    `the header ends at byte ${size}, inside a record that starts at byte ${stop.at}; the file is still being written or was cut short (re-download or re-convert it)`,
  );
}

function readHeader(cursor: ByteCursor): Result<GgufHeader, GgufError> {
  cursor.take(4); // magic, checked by the sniffer
  const version = readU32(cursor.take(4), 0);
  if (!(GGUF_VERSIONS as readonly number[]).includes(version))
    return ggufError(
      "unsupported",
      version > 0xffff
        ? `GGUF version bytes ${version.toString(16)} look big-endian; ckpt reads little-endian GGUF only (convert it back with llama.cpp's gguf-py tools)`
        : `GGUF version ${version} is not one ckpt knows (1–3); update ckpt`,
    );
  const widths: GgufWidths = { count: version === 1 ? 4 : 8 };
  const tensorCount = readCount(cursor, widths);
  const kvCount = readCount(cursor, widths);
  // Counts no header under the cap can hold are damage, not a file cut short (which ends in `incomplete`).
  if (kvCount * MIN_KV_BYTES + tensorCount * MIN_TENSOR_BYTES > INPUT_CAPS.ggufHeader.bytes)
    throw new GgufCorrupt(
      `the header claims ${kvCount} metadata entries and ${tensorCount} tensors, more than any GGUF header holds`,
    );
  if (kvCount > MAX_KVS || tensorCount > MAX_TENSORS)
    return ggufError(
      "over-cap",
      `the header lists ${kvCount} metadata entries and ${tensorCount} tensors, over ckpt's caps (${MAX_KVS} and ${MAX_TENSORS}); it was not read (the file may be fine: read it with gguf-py's GGUFReader)`,
    );
  const kv = readKvs(cursor, { widths, count: kvCount });
  const alignment = alignmentOf(kv);
  const tensors = readTensorInfos(cursor, { widths, count: tensorCount });
  const dataOffset = Math.ceil(cursor.position() / alignment) * alignment;
  const placed = tensors.map((tensor) => ({ ...tensor, data_offset: dataOffset + tensor.data_offset }));
  const ends = placed.map((t) => (t.n_bytes === null ? null : t.data_offset + t.n_bytes));
  const data_end = ends.includes(null) ? null : Math.max(dataOffset, ...(ends as number[]));
  return ok({
    magic: "GGUF",
    version,
    tensor_count: tensorCount,
    kv_count: kvCount,
    alignment,
    data_offset: dataOffset,
    kv,
    tensors: placed,
    data_end,
  });
}

function readKvs(
  cursor: ByteCursor,
  table: { widths: GgufWidths; count: number },
): Record<string, GgufValue> {
  const kv: Record<string, GgufValue> = {};
  for (let index = 0; index < table.count; index++) {
    const key = readString(cursor, table.widths).text;
    const code = readU32(cursor.take(4), 0);
    // `__proto__` and friends are plain keys here: define, never assign through the prototype.
    Object.defineProperty(kv, key, {
      value: readValue(cursor, table.widths, code),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return kv;
}

function alignmentOf(kv: Record<string, GgufValue>): number {
  const entry = Object.hasOwn(kv, "general.alignment") ? kv["general.alignment"] : undefined;
  if (entry === undefined) return DEFAULT_ALIGNMENT;
  const value = entry.value;
  if (entry.type[0] !== "UINT32" || typeof value !== "number" || value === 0 || (value & (value - 1)) !== 0)
    throw new GgufCorrupt(`general.alignment must be a power-of-two UINT32, found ${String(value)}`);
  return value;
}

function readTensorInfos(cursor: ByteCursor, table: { widths: GgufWidths; count: number }): GgufTensor[] {
  const tensors: GgufTensor[] = [];
  for (let index = 0; index < table.count; index++) {
    const name = readString(cursor, table.widths).text;
    const dims = readU32(cursor.take(4), 0);
    if (dims > MAX_DIMS)
      throw new GgufCorrupt(`tensor "${name}" has ${dims} dimensions (ggml allows ${MAX_DIMS})`);
    const shape: number[] = [];
    for (let dim = 0; dim < dims; dim++) shape.push(readCount(cursor, { count: 8 }));
    const typeCode = readU32(cursor.take(4), 0);
    const offset = readCount(cursor, { count: 8 });
    const elements = shape.reduce((product, dim) => product * dim, 1);
    if (!Number.isSafeInteger(elements)) throw new GgufCorrupt(`tensor "${name}" has an impossible shape`);
    const type = GGML_TYPES[typeCode];
    const bytes = type === undefined ? null : Math.ceil(elements / type.block) * type.bytes;
    tensors.push({
      name,
      shape,
      type: type?.name ?? `type_${typeCode}`,
      n_elements: elements,
      n_bytes: bytes,
      data_offset: offset,
    });
  }
  return tensors;
}
