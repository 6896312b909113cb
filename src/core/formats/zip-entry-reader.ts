// Reading one zip entry's bytes: local header → data offset, stored or (injected) inflate, size and CRC checks.
import type { ByteSource } from "../bytes/byte-source.ts";
import { hasBytesAt, readU16 } from "../bytes/little-endian.ts";
import { ok, type Result } from "../result.ts";
import { crc32 } from "./crc32.ts";
import {
  LOCAL_HEADER_SIZE,
  ZIP_SIGNATURES,
  type ZipEntry,
  type ZipError,
  zipError,
} from "./zip-directory.ts";
import { zipEntryName } from "./zip-entry-name.ts";

/** Where an entry's data starts: after its 30-byte local header, name and (local) extra field. Checks the local name. */
export function entryDataOffset(source: ByteSource, entry: ZipEntry): Result<number, ZipError> {
  const header = source.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE);
  if (header.length < LOCAL_HEADER_SIZE || !hasBytesAt(header, 0, ZIP_SIGNATURES.local))
    return zipError(
      "corrupt-local-header",
      `no local header for "${entry.name}" at offset ${entry.localHeaderOffset}; the file is damaged`,
    );
  const [nameLength, extraLength] = [readU16(header, 26), readU16(header, 28)];
  const nameBytes = source.read(entry.localHeaderOffset + LOCAL_HEADER_SIZE, nameLength);
  const localName = zipEntryName(nameBytes, 0, nameBytes.length);
  if (localName !== entry.name)
    return zipError(
      "corrupt-local-header",
      `local header names "${localName}" where the directory says "${entry.name}"; refusing an ambiguous archive`,
    );
  const dataOffset = entry.localHeaderOffset + LOCAL_HEADER_SIZE + nameLength + extraLength;
  if (dataOffset + entry.compressedSize > source.size)
    return zipError(
      "entry-out-of-bounds",
      `data of "${entry.name}" runs past the end of the file; the file is truncated`,
    );
  return ok(dataOffset);
}

/** Raw-deflate decoder injected by io (core cannot import node:zlib). May throw; `readZipEntry` turns that into an error. */
export type InflateRaw = (compressed: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;

/**
 * CRC-32 (the zip polynomial) of some bytes. io injects a native one (~25× the script version in `crc32.ts` on a
 * 10 KB data.pkl); the default is `crc32.ts`, and both give the same number for every input.
 */
export type Crc32 = (bytes: Uint8Array) => number;

export type ReadZipEntryOptions = {
  /** @default 256 MiB */
  readonly maxBytes?: number;
  /** Needed only for method 8; without it deflated entries fail with `unsupported-method`. */
  readonly inflate?: InflateRaw;
  /** Check CRC-32 when the entry records one (non-zero). @default true */
  readonly verifyCrc?: boolean;
  /** @default `crc32` from crc32.ts */
  readonly crc32?: Crc32;
};

/** An entry's uncompressed bytes (stored, or deflate through `options.inflate`). */
export function readZipEntry(
  source: ByteSource,
  entry: ZipEntry,
  options: ReadZipEntryOptions = {},
): Result<Uint8Array, ZipError> {
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  if (entry.uncompressedSize > maxBytes || entry.compressedSize > maxBytes)
    return zipError(
      "entry-too-large",
      `entry "${entry.name}" is ${entry.uncompressedSize} bytes, over the ${maxBytes}-byte cap`,
    );
  if ((entry.flags & 1) !== 0)
    return zipError("unsupported-method", `entry "${entry.name}" is encrypted; ckpt cannot read it`);
  const offset = entryDataOffset(source, entry);
  if (!offset.success) return offset;
  const raw = source.read(offset.data, entry.compressedSize);
  if (raw.length < entry.compressedSize)
    return zipError("truncated", `data of "${entry.name}" is cut short; the file is truncated`);
  const data = decompress(raw, entry, { ...options, maxBytes });
  if (!data.success) return data;
  if ((options.verifyCrc ?? true) && entry.crc !== 0 && (options.crc32 ?? crc32)(data.data) !== entry.crc)
    return zipError(
      "crc-mismatch",
      `CRC-32 of "${entry.name}" does not match the directory; the file is damaged, re-save or re-download it`,
    );
  return data;
}

function decompress(
  raw: Uint8Array,
  entry: ZipEntry,
  options: ReadZipEntryOptions & { maxBytes: number },
): Result<Uint8Array, ZipError> {
  if (entry.method === 0) return ok(raw);
  if (entry.method !== 8 || options.inflate === undefined)
    return zipError(
      "unsupported-method",
      `entry "${entry.name}" uses compression method ${entry.method}; re-save it uncompressed (torch.save does)`,
    );
  try {
    const out = options.inflate(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    if (out.length === entry.uncompressedSize) return ok(out);
  } catch {
    // fall through to the typed error: a hostile stream must not crash a scan
  }
  return zipError(
    "inflate-failed",
    `deflated data of "${entry.name}" does not inflate to ${entry.uncompressedSize} bytes; the file is damaged`,
  );
}
