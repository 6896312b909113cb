import { halfToNumber } from "../bytes/float16.ts";
import type { GlobalScan } from "../safety/pickle-global-scan.ts";
import type { PickleError } from "./pickle/pickle-error.ts";
import type { PickleNote } from "./pickle/pickle-machine.ts";
import type { PyValue, TensorRef } from "./pickle/py-value.ts";
import type { TorchZipSummary } from "./torch-zip-layout.ts";

export const TORCH_FILE_FORMATS = ["torch-save", "torchscript", "torch-package", "torch-legacy"] as const;
export type TorchFileFormat = (typeof TORCH_FILE_FORMATS)[number];

/** A 0-d tensor's value, read from its few storage bytes; undefined when it cannot be read. */
export type TensorScalarReader = (tensor: TensorRef) => number | bigint | boolean | undefined;

/**
 * What reading a torch file (zip or legacy) produced. The pickle may have failed (`pickleError`) while the
 * static global scan still lists what it references, so a damaged or hostile file is still reported.
 */
export type TorchPickleRead = {
  readonly format: TorchFileFormat;
  /** The interpreted main object; undefined when interpretation failed. */
  readonly value: PyValue | undefined;
  readonly pickleError: PickleError | undefined;
  readonly scan: GlobalScan;
  readonly notes: readonly PickleNote[];
  readonly readScalar: TensorScalarReader;
  readonly zip: TorchZipSummary | undefined;
  readonly warnings: readonly string[];
};

export const TORCH_READ_ERROR_CODES = [
  "zip-incomplete",
  "zip-corrupt",
  "missing-data-pkl",
  "other-zip",
  "legacy-incomplete",
  "legacy-corrupt",
  "pickle-too-large",
] as const;
export type TorchReadErrorCode = (typeof TORCH_READ_ERROR_CODES)[number];
export type TorchReadError = {
  readonly code: TorchReadErrorCode;
  readonly message: string;
  /** The global scan of what could be read (legacy files: all five pickles), so a damaged file still gets a verdict. */
  readonly scan?: GlobalScan;
};

function bigToValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

type Decoder = (view: DataView, littleEndian: boolean) => number | bigint | boolean;

const decoders: Readonly<Record<string, Decoder>> = {
  float64: (v, le) => v.getFloat64(0, le),
  float32: (v, le) => v.getFloat32(0, le),
  float16: (v, le) => halfToNumber(v.getUint16(0, le)),
  // bfloat16 is the top half of a float32.
  bfloat16: (v, le) => new DataView(Uint32Array.of(v.getUint16(0, le) << 16).buffer).getFloat32(0, true),
  int64: (v, le) => bigToValue(v.getBigInt64(0, le)),
  int32: (v, le) => v.getInt32(0, le),
  int16: (v, le) => v.getInt16(0, le),
  int8: (v) => v.getInt8(0),
  uint8: (v) => v.getUint8(0),
  bool: (v) => v.getUint8(0) !== 0,
};

/** Decodes one element of `dtype` from `bytes` (exactly its element size); undefined for dtypes without a scalar form. */
export function decodeTensorScalar(
  bytes: Uint8Array,
  options: { readonly dtype: string; readonly littleEndian: boolean },
): number | bigint | boolean | undefined {
  const decode = decoders[options.dtype];
  if (decode === undefined) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return decode(view, options.littleEndian);
  } catch {
    return undefined;
  }
}

/** Wraps a reader so each (storage, offset, dtype) is read once: reports convert the same tensor several times. */
export function cachedScalarReader(read: TensorScalarReader): TensorScalarReader {
  const cache = new Map<string, number | bigint | boolean | undefined>();
  return (tensor) => {
    const key = `${tensor.storageKey}:${tensor.storageOffset}:${tensor.dtype}`;
    if (!cache.has(key)) cache.set(key, read(tensor));
    return cache.get(key);
  };
}
