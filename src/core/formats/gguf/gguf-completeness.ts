import type { ByteSource } from "../../bytes/byte-source.ts";
import type { Completeness } from "../completeness.ts";
import { type GgufHeader, readGgufHeader } from "./gguf-header.ts";

/**
 * GGUF has no end marker: a file is whole when it holds every tensor the table places, i.e. its size reaches the
 * end of the last tensor (`data_offset + offset + n_bytes`). A tensor of a ggml type ckpt has no size for leaves
 * this `unknown`.
 */
export function ggufDataVerdict(header: GgufHeader, size: number): Completeness {
  if (header.data_end === null)
    return {
      state: "unknown",
      reason: "gguf: a tensor type has no size ckpt knows, so the data end is unknown",
    };
  if (size < header.data_end)
    return {
      state: "incomplete",
      reason: `gguf: tensors end at byte ${header.data_end} but the file has ${size} bytes; it is still being written or was cut short (re-download or re-convert it)`,
    };
  return {
    state: "complete",
    reason: `gguf: ${header.tensor_count} tensors end at byte ${header.data_end} of ${size}`,
  };
}

export function checkGgufCompleteness(source: ByteSource): Completeness {
  const header = readGgufHeader(source);
  if (header.success) return ggufDataVerdict(header.data, source.size);
  const { code, message } = header.error;
  const state = code === "incomplete" ? "incomplete" : code === "corrupt" ? "corrupt" : "unknown";
  return { state, reason: `gguf: ${message}` };
}
