// Our own ZIP reader (no dependency): random access through ByteSource, ZIP64, central-directory-only sizes (torch writes zeros in local headers), exact byte accounting.
// The entries' safety checks (names, bounds, overlaps) are in zip-entry-checks.ts.
import type { ByteSource } from "../bytes/byte-source.ts";
import { hasBytesAt, readU16, readU32, readU64 } from "../bytes/little-endian.ts";
import { fail, ok, type Result } from "../result.ts";
import { entriesError } from "./zip-entry-checks.ts";
import { zipEntryName } from "./zip-entry-name.ts";

export const ZIP_SIGNATURES = {
  local: [0x50, 0x4b, 0x03, 0x04],
  central: [0x50, 0x4b, 0x01, 0x02],
  dataDescriptor: [0x50, 0x4b, 0x07, 0x08],
  zip64End: [0x50, 0x4b, 0x06, 0x06],
  zip64Locator: [0x50, 0x4b, 0x06, 0x07],
  end: [0x50, 0x4b, 0x05, 0x06],
} as const;

export const ZIP_ERROR_CODES = [
  "truncated",
  "no-central-directory",
  "corrupt-central-directory",
  "too-many-entries",
  "entry-out-of-bounds",
  "overlapping-entries",
  "unsafe-name",
  "duplicate-name",
  "corrupt-local-header",
  "unsupported-method",
  "entry-too-large",
  "crc-mismatch",
  "inflate-failed",
] as const;
export type ZipErrorCode = (typeof ZIP_ERROR_CODES)[number];
/** Messages say what is wrong and what to do; the caller prefixes the file path (core never sees paths). */
export type ZipError = { readonly code: ZipErrorCode; readonly message: string };

/** One central-directory record. Sizes and offsets are the central directory's (ZIP64-resolved), never the local header's. */
export type ZipEntry = {
  readonly name: string;
  /** 0 stored, 8 deflate; anything else is reported by `readZipEntry`. */
  readonly method: number;
  readonly flags: number;
  /** 0 may mean "not recorded" (torch ≥ 2.6 `set_crc32_options(False)`). */
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
};

export type ZipDirectory = {
  readonly entries: readonly ZipEntry[];
  /** A ZIP64 end record + locator were present (torch always writes them). */
  readonly zip64: boolean;
  readonly endOffset: number;
  readonly centralDirectoryOffset: number;
  readonly centralDirectorySize: number;
};

export type ReadZipDirectoryOptions = {
  /** @default 1_000_000 */
  readonly maxEntries?: number;
  /** @default 256 MiB */
  readonly maxCentralDirectoryBytes?: number;
};

const END_SIZE = 22;
const LOCATOR_SIZE = 20;
const ZIP64_END_SIZE = 56;
const CENTRAL_SIZE = 46;
export const LOCAL_HEADER_SIZE = 30;
const MAX_COMMENT = 0xffff;
const U32_MAX = 0xffffffff;

export const zipError = (code: ZipErrorCode, message: string) => fail<ZipError>({ code, message });

type EndRecord = {
  offset: number;
  entryCount: number;
  cdSize: number;
  cdOffset: number;
  zip64: boolean;
  limit: number;
};

/** Reads the end records and the central directory; validates names, bounds and overlaps. Never throws. */
export function readZipDirectory(
  source: ByteSource,
  options: ReadZipDirectoryOptions = {},
): Result<ZipDirectory, ZipError> {
  const end = findEnd(source);
  if (!end.success) return end;
  const resolved = resolveZip64(source, end.data);
  if (!resolved.success) return resolved;
  const { entryCount, cdSize, cdOffset, limit } = resolved.data;
  const maxEntries = options.maxEntries ?? 1_000_000;
  if (entryCount > maxEntries)
    return zipError(
      "too-many-entries",
      `the archive lists ${entryCount} entries (cap ${maxEntries}); not a checkpoint ckpt can read`,
    );
  if (cdSize > (options.maxCentralDirectoryBytes ?? 256 * 1024 * 1024) || entryCount * CENTRAL_SIZE > cdSize)
    return zipError(
      "corrupt-central-directory",
      `central directory size ${cdSize} does not fit ${entryCount} entries; the file is damaged`,
    );
  if (cdOffset + cdSize > limit)
    return zipError(
      "truncated",
      `central directory [${cdOffset}, ${cdOffset + cdSize}) runs past its end record at ${limit}; the file is damaged or still being written`,
    );
  const walked = walkCentralDirectory(source.read(cdOffset, cdSize), entryCount);
  if (!walked.success) return walked;
  const { entries, nameLengths } = walked.data;
  const refused = entriesError({
    entries,
    nameLengths,
    centralDirectoryOffset: cdOffset,
    localHeaderSize: LOCAL_HEADER_SIZE,
  });
  if (refused !== undefined) return fail(refused);
  return ok({
    entries,
    zip64: resolved.data.zip64,
    endOffset: resolved.data.offset,
    centralDirectoryOffset: cdOffset,
    centralDirectorySize: cdSize,
  });
}

function findEnd(source: ByteSource): Result<EndRecord, ZipError> {
  // torch never writes a comment: look at the exact end first so a healthy file costs one tiny read.
  for (const span of [END_SIZE, END_SIZE + MAX_COMMENT]) {
    const tailStart = Math.max(0, source.size - span);
    const tail = source.read(tailStart, source.size - tailStart);
    for (let at = tail.length - END_SIZE; at >= 0; at--) {
      if (
        hasBytesAt(tail, at, ZIP_SIGNATURES.end) &&
        at + END_SIZE + readU16(tail, at + 20) === tail.length
      ) {
        const offset = tailStart + at;
        const [entryCount, cdSize, cdOffset] = [
          readU16(tail, at + 10),
          readU32(tail, at + 12),
          readU32(tail, at + 16),
        ];
        return ok({ offset, entryCount, cdSize, cdOffset, zip64: false, limit: offset });
      }
    }
    if (tailStart === 0) break;
  }
  return zipError(
    "no-central-directory",
    "no ZIP end-of-central-directory record: the file is truncated or still being written",
  );
}

function resolveZip64(source: ByteSource, end: EndRecord): Result<EndRecord, ZipError> {
  if (end.offset < LOCATOR_SIZE) return ok(end);
  const locator = source.read(end.offset - LOCATOR_SIZE, LOCATOR_SIZE);
  if (!hasBytesAt(locator, 0, ZIP_SIGNATURES.zip64Locator)) return ok(end);
  const at = readU64(locator, 8);
  if (at === undefined || at + ZIP64_END_SIZE > end.offset - LOCATOR_SIZE)
    return zipError(
      "corrupt-central-directory",
      "the ZIP64 locator points outside the file; the file is damaged",
    );
  const record = source.read(at, ZIP64_END_SIZE);
  if (record.length < ZIP64_END_SIZE || !hasBytesAt(record, 0, ZIP_SIGNATURES.zip64End))
    return zipError("corrupt-central-directory", `no ZIP64 end record at offset ${at}; the file is damaged`);
  const [entryCount, cdSize, cdOffset] = [readU64(record, 32), readU64(record, 40), readU64(record, 48)];
  if (entryCount === undefined || cdSize === undefined || cdOffset === undefined)
    return zipError(
      "corrupt-central-directory",
      "ZIP64 end record holds values beyond 2^53; the file is damaged",
    );
  return ok({ offset: end.offset, entryCount, cdSize, cdOffset, zip64: true, limit: at });
}

type Walked = { readonly entries: ZipEntry[]; readonly nameLengths: Uint16Array };

function walkCentralDirectory(cd: Uint8Array, entryCount: number): Result<Walked, ZipError> {
  const entries: ZipEntry[] = new Array(entryCount);
  const nameLengths = new Uint16Array(entryCount);
  let pos = 0;
  for (let index = 0; index < entryCount; index++) {
    const record = parseCentralRecord(cd, pos);
    if (typeof record === "string")
      return zipError(
        "corrupt-central-directory",
        `central directory record ${index} of ${entryCount} ${record}; re-save the file`,
      );
    entries[index] = record;
    nameLengths[index] = readU16(cd, pos + 28);
    pos = nextRecord(cd, pos);
  }
  return ok({ entries, nameLengths });
}

/** Where the record after the one at `pos` starts (its name, extra and comment lengths were bounds-checked). */
function nextRecord(cd: Uint8Array, pos: number): number {
  return pos + CENTRAL_SIZE + readU16(cd, pos + 28) + readU16(cd, pos + 30) + readU16(cd, pos + 32);
}

/** One central-directory record at `pos`, or what is wrong with it. */
function parseCentralRecord(cd: Uint8Array, pos: number): ZipEntry | string {
  if (pos + CENTRAL_SIZE > cd.length || !hasBytesAt(cd, pos, ZIP_SIGNATURES.central))
    return "is missing or damaged";
  const nameEnd = pos + CENTRAL_SIZE + readU16(cd, pos + 28);
  const extraLength = readU16(cd, pos + 30);
  if (nameEnd + extraLength + readU16(cd, pos + 32) > cd.length) return "runs past the directory";
  const name = zipEntryName(cd, pos + CENTRAL_SIZE, nameEnd);
  const uncompressedSize = readU32(cd, pos + 24);
  const compressedSize = readU32(cd, pos + 20);
  const localHeaderOffset = readU32(cd, pos + 42);
  const sizes = applyZip64Extra(cd, {
    extraStart: nameEnd,
    extraEnd: nameEnd + extraLength,
    sizes: { uncompressedSize, compressedSize, localHeaderOffset },
  });
  if (sizes === undefined) return `("${name}") has a damaged ZIP64 extra field`;
  return {
    name,
    method: readU16(cd, pos + 10),
    flags: readU16(cd, pos + 8),
    crc: readU32(cd, pos + 16),
    compressedSize: sizes.compressedSize,
    uncompressedSize: sizes.uncompressedSize,
    localHeaderOffset: sizes.localHeaderOffset,
  };
}

type EntrySizes = { uncompressedSize: number; compressedSize: number; localHeaderOffset: number };

/**
 * The ZIP64 extra (id 1) holds only the fields whose fixed value is 0xFFFFFFFF, in this order. The extra field is
 * `cd[extraStart, extraEnd)`, checked in place: a plain entry (all but a few) makes no view of it.
 */
function applyZip64Extra(
  cd: Uint8Array,
  field: { extraStart: number; extraEnd: number; sizes: EntrySizes },
): EntrySizes | undefined {
  const { sizes } = field;
  const needsZip64 =
    sizes.uncompressedSize === U32_MAX ||
    sizes.compressedSize === U32_MAX ||
    sizes.localHeaderOffset === U32_MAX;
  if (!needsZip64) return extraIsWellFormed(cd, field.extraStart, field.extraEnd) ? sizes : undefined;
  const extra = cd.subarray(field.extraStart, field.extraEnd);
  const resolved = { ...sizes };
  for (let at = 0; at + 4 <= extra.length; ) {
    const [id, length] = [readU16(extra, at), readU16(extra, at + 2)];
    if (at + 4 + length > extra.length) return undefined;
    if (id === 1) {
      let field = at + 4;
      for (const key of ["uncompressedSize", "compressedSize", "localHeaderOffset"] as const) {
        if (sizes[key] !== U32_MAX) continue;
        const value = field + 8 <= at + 4 + length ? readU64(extra, field) : undefined;
        if (value === undefined) return undefined;
        resolved[key] = value;
        field += 8;
      }
    }
    at += 4 + length;
  }
  return resolved;
}

/** The extra field's (id, length) chain in `bytes[start, end)` stays inside it. */
function extraIsWellFormed(bytes: Uint8Array, start: number, end: number): boolean {
  let at = start;
  while (at + 4 <= end) {
    const length = readU16(bytes, at + 2);
    if (at + 4 + length > end) return false;
    at += 4 + length;
  }
  return true;
}
