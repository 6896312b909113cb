// Numbering from ggml's `docs/gguf.md` and gguf-py `constants.py` (GGMLQuantizationType, LlamaFileType,
// GGML_QUANT_SIZES). Gaps are ids ggml removed; a file naming one is reported by number, not guessed.

import {
  readBigU64,
  readF32,
  readF64,
  readI8,
  readI16,
  readI32,
  readI64,
  readU16,
  readU32,
} from "../../bytes/little-endian.ts";

type ValueType = {
  readonly name: string;
  readonly width: number;
  /** Decodes one little-endian value of `width` bytes; absent for STRING and ARRAY. */
  readonly read?: (bytes: Uint8Array, offset: number) => number | boolean;
};

/** `gguf_metadata_value_type`: the name the truth files use, the fixed width (0 = variable), its decoder. */
export const GGUF_VALUE_TYPES: Readonly<Record<number, ValueType>> = {
  0: { name: "UINT8", width: 1, read: (bytes, at) => bytes[at] as number },
  1: { name: "INT8", width: 1, read: readI8 },
  2: { name: "UINT16", width: 2, read: readU16 },
  3: { name: "INT16", width: 2, read: readI16 },
  4: { name: "UINT32", width: 4, read: readU32 },
  5: { name: "INT32", width: 4, read: readI32 },
  6: { name: "FLOAT32", width: 4, read: readF32 },
  7: { name: "BOOL", width: 1, read: (bytes, at) => bytes[at] !== 0 },
  8: { name: "STRING", width: 0 },
  9: { name: "ARRAY", width: 0 },
  10: { name: "UINT64", width: 8, read: (bytes, at) => Number(readBigU64(bytes, at)) },
  11: { name: "INT64", width: 8, read: (bytes, at) => Number(readI64(bytes, at)) },
  12: { name: "FLOAT64", width: 8, read: readF64 },
};
export const GGUF_STRING = 8;
export const GGUF_ARRAY = 9;

/** `ggml_type`: name, elements per block, bytes per block. */
export const GGML_TYPES: Readonly<
  Record<number, { readonly name: string; readonly block: number; readonly bytes: number }>
> = {
  0: { name: "F32", block: 1, bytes: 4 },
  1: { name: "F16", block: 1, bytes: 2 },
  2: { name: "Q4_0", block: 32, bytes: 18 },
  3: { name: "Q4_1", block: 32, bytes: 20 },
  6: { name: "Q5_0", block: 32, bytes: 22 },
  7: { name: "Q5_1", block: 32, bytes: 24 },
  8: { name: "Q8_0", block: 32, bytes: 34 },
  9: { name: "Q8_1", block: 32, bytes: 36 },
  10: { name: "Q2_K", block: 256, bytes: 84 },
  11: { name: "Q3_K", block: 256, bytes: 110 },
  12: { name: "Q4_K", block: 256, bytes: 144 },
  13: { name: "Q5_K", block: 256, bytes: 176 },
  14: { name: "Q6_K", block: 256, bytes: 210 },
  15: { name: "Q8_K", block: 256, bytes: 292 },
  16: { name: "IQ2_XXS", block: 256, bytes: 66 },
  17: { name: "IQ2_XS", block: 256, bytes: 74 },
  18: { name: "IQ3_XXS", block: 256, bytes: 98 },
  19: { name: "IQ1_S", block: 256, bytes: 50 },
  20: { name: "IQ4_NL", block: 32, bytes: 18 },
  21: { name: "IQ3_S", block: 256, bytes: 110 },
  22: { name: "IQ2_S", block: 256, bytes: 82 },
  23: { name: "IQ4_XS", block: 256, bytes: 136 },
  24: { name: "I8", block: 1, bytes: 1 },
  25: { name: "I16", block: 1, bytes: 2 },
  26: { name: "I32", block: 1, bytes: 4 },
  27: { name: "I64", block: 1, bytes: 8 },
  28: { name: "F64", block: 1, bytes: 8 },
  29: { name: "IQ1_M", block: 256, bytes: 56 },
  30: { name: "BF16", block: 1, bytes: 2 },
  34: { name: "TQ1_0", block: 256, bytes: 54 },
  35: { name: "TQ2_0", block: 256, bytes: 66 },
  39: { name: "MXFP4", block: 32, bytes: 17 },
};

/** `general.file_type` (llama.cpp `llama_ftype`): the quantization the file was made with. */
export const GGUF_FILE_TYPES: Readonly<Record<number, string>> = {
  0: "ALL_F32",
  1: "MOSTLY_F16",
  2: "MOSTLY_Q4_0",
  3: "MOSTLY_Q4_1",
  4: "MOSTLY_Q4_1_SOME_F16",
  7: "MOSTLY_Q8_0",
  8: "MOSTLY_Q5_0",
  9: "MOSTLY_Q5_1",
  10: "MOSTLY_Q2_K",
  11: "MOSTLY_Q3_K_S",
  12: "MOSTLY_Q3_K_M",
  13: "MOSTLY_Q3_K_L",
  14: "MOSTLY_Q4_K_S",
  15: "MOSTLY_Q4_K_M",
  16: "MOSTLY_Q5_K_S",
  17: "MOSTLY_Q5_K_M",
  18: "MOSTLY_Q6_K",
  19: "MOSTLY_IQ2_XXS",
  20: "MOSTLY_IQ2_XS",
  21: "MOSTLY_Q2_K_S",
  22: "MOSTLY_IQ3_XS",
  23: "MOSTLY_IQ3_XXS",
  24: "MOSTLY_IQ1_S",
  25: "MOSTLY_IQ4_NL",
  26: "MOSTLY_IQ3_S",
  27: "MOSTLY_IQ3_M",
  28: "MOSTLY_IQ2_S",
  29: "MOSTLY_IQ2_M",
  30: "MOSTLY_IQ4_XS",
  31: "MOSTLY_IQ1_M",
  32: "MOSTLY_BF16",
  36: "MOSTLY_TQ1_0",
  37: "MOSTLY_TQ2_0",
  38: "MOSTLY_MXFP4_MOE",
};
