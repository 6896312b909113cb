import type { ByteSource } from "../bytes/byte-source.ts";
import { INPUT_CAPS, tooLargeMessage } from "../input-caps.ts";
import { fail, ok, type Result } from "../result.ts";
import { scanAfterInterpretation, scanPickleGlobals } from "../safety/pickle-global-scan.ts";
import { interpretPickle } from "./pickle/pickle-interpreter.ts";
import type { TensorRef } from "./pickle/py-value.ts";
import {
  cachedScalarReader,
  decodeTensorScalar,
  type TensorScalarReader,
  type TorchFileFormat,
  type TorchPickleRead,
  type TorchReadError,
} from "./torch-pickle-result.ts";
import {
  analyzeTorchZip,
  readStorageRecord,
  readTorchZipRecords,
  summarizeTorchZip,
  type TorchZipLayout,
} from "./torch-zip-layout.ts";
import { readZipDirectory, type ZipErrorCode } from "./zip-directory.ts";
import { type Crc32, entryDataOffset, type InflateRaw, readZipEntry } from "./zip-entry-reader.ts";

export type ReadTorchZipOptions = {
  /** Raw-deflate decoder for re-zipped (method 8) archives; torch itself stores. */
  readonly inflate?: InflateRaw;
  /** Checks data.pkl's CRC-32 (every read does). @default the script one in crc32.ts */
  readonly crc32?: Crc32;
  /** Cap on `data.pkl`. @default `INPUT_CAPS.pickle` */
  readonly maxDataPklBytes?: number;
};

/** Storages larger than this are never read whole, only the element a 0-d tensor needs. */
const SMALL_RECORD_BYTES = 4096;

function zipErrorCode(code: ZipErrorCode): TorchReadError["code"] {
  return code === "no-central-directory" || code === "truncated" ? "zip-incomplete" : "zip-corrupt";
}

/**
 * Reads a torch ≥ 1.6 zip: central directory, `<root>/data.pkl` and the few small records; interprets the pickle
 * (never executing it) and resolves 0-d tensors lazily by reading their element bytes. Tensor payloads are
 * never read. TorchScript and torch.package archives are recognised; their pickles are scanned, not interpreted.
 */
export function readTorchZipCheckpoint(
  source: ByteSource,
  options: ReadTorchZipOptions = {},
): Result<TorchPickleRead, TorchReadError> {
  const directory = readZipDirectory(source);
  if (!directory.success)
    return fail({ code: zipErrorCode(directory.error.code), message: directory.error.message });
  const layout = analyzeTorchZip(directory.data);
  const records = readTorchZipRecords(source, layout);
  if (!records.success)
    return fail({ code: zipErrorCode(records.error.code), message: records.error.message });
  if (layout.kind === "other-zip")
    return fail({
      code: "other-zip",
      message: `a ZIP archive without <root>/data.pkl (${layout.entries.length} entries): not a torch.save file`,
    });
  const zip = summarizeTorchZip(layout, records.data);
  const dataPkl = layout.dataPkl;
  if (dataPkl === undefined)
    return ok(emptyRead({ format: "torch-package", zip, warnings: layout.warnings }));
  const maxBytes = options.maxDataPklBytes ?? INPUT_CAPS.pickle.bytes;
  const size = Math.max(dataPkl.uncompressedSize, dataPkl.compressedSize);
  if (size > maxBytes)
    return fail({
      code: "pickle-too-large",
      message: tooLargeMessage({ file: dataPkl.name, size, cap: { ...INPUT_CAPS.pickle, bytes: maxBytes } }),
    });
  const bytes = readZipEntry(source, dataPkl, {
    maxBytes,
    ...(options.inflate ? { inflate: options.inflate } : {}),
    ...(options.crc32 ? { crc32: options.crc32 } : {}),
  });
  if (!bytes.success)
    return fail({ code: zipErrorCode(bytes.error.code), message: `${dataPkl.name}: ${bytes.error.message}` });
  const format: TorchFileFormat = layout.kind === "torchscript" ? "torchscript" : "torch-save";
  const warnings = [...layout.warnings];
  const byteorder = records.data.byteorder;
  if (byteorder !== undefined && byteorder !== "little" && byteorder !== "big")
    warnings.push(`byteorder record says "${byteorder}"; assuming little-endian`);
  const readScalar = cachedScalarReader(
    zipScalarReader(source, { layout, littleEndian: byteorder !== "big", inflate: options.inflate }),
  );
  if (format === "torchscript") {
    return ok({ ...emptyRead({ format, zip, warnings }), scan: scanPickleGlobals(bytes.data), readScalar });
  }
  const interpreted = interpretPickle(bytes.data);
  const scan = scanAfterInterpretation(bytes.data, interpreted);
  return ok({
    format,
    value: interpreted.success ? interpreted.data.value : undefined,
    pickleError: interpreted.success ? undefined : interpreted.error,
    scan,
    notes: interpreted.success ? interpreted.data.notes : [],
    readScalar,
    zip,
    warnings,
  });
}

function emptyRead(parts: {
  format: TorchFileFormat;
  zip: TorchPickleRead["zip"];
  warnings: readonly string[];
}): TorchPickleRead {
  return {
    ...parts,
    value: undefined,
    pickleError: undefined,
    scan: scanPickleGlobals(new Uint8Array(0)),
    notes: [],
    readScalar: () => undefined,
  };
}

type ScalarReaderOptions = {
  readonly layout: TorchZipLayout;
  readonly littleEndian: boolean;
  readonly inflate: InflateRaw | undefined;
};

/** Reads `elementSize` bytes at `storageOffset × elementSize` inside `data/<key>`: a few bytes per 0-d tensor. */
function zipScalarReader(source: ByteSource, options: ScalarReaderOptions): TensorScalarReader {
  return (tensor: TensorRef) => {
    const key = tensor.storageKey;
    const size = tensor.elementSize;
    const entry = key === undefined ? undefined : options.layout.storages.get(key);
    if (key === undefined || size === undefined || entry === undefined) return undefined;
    const at = tensor.storageOffset * size;
    if (at < 0 || at + size > entry.uncompressedSize) return undefined;
    // An object of its own, not a spread of `options`: one per 0-d tensor, and a spread copies generically.
    const element = readElement(source, {
      layout: options.layout,
      littleEndian: options.littleEndian,
      inflate: options.inflate,
      key,
      at,
      size,
      stored: entry.method === 0,
    });
    if (element === undefined || element.length < size) return undefined;
    return decodeTensorScalar(element, { dtype: tensor.dtype, littleEndian: options.littleEndian });
  };
}

function readElement(
  source: ByteSource,
  options: ScalarReaderOptions & { key: string; at: number; size: number; stored: boolean },
): Uint8Array | undefined {
  const entry = options.layout.storages.get(options.key);
  if (entry === undefined) return undefined;
  if (options.stored) {
    const offset = entryDataOffset(source, entry);
    return offset.success ? source.read(offset.data + options.at, options.size) : undefined;
  }
  if (entry.uncompressedSize > SMALL_RECORD_BYTES) return undefined;
  const record = readStorageRecord(source, {
    layout: options.layout,
    key: options.key,
    ...(options.inflate ? { inflate: options.inflate } : {}),
  });
  return record.success ? record.data.subarray(options.at, options.at + options.size) : undefined;
}
