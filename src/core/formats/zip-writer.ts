import { writeU16, writeU32, writeU64 } from "../bytes/little-endian.ts";
import { crc32 } from "./crc32.ts";
import { ZIP_SIGNATURES } from "./zip-directory.ts";

/**
 * A payload is bytes, or `sparseLength` bytes that are not in the plan: zeros never materialised (huge synthetic
 * checkpoints), or a record the caller copies into place itself. Such a payload gets `crc` when the caller knows
 * it (a copied record's), else CRC 0, which torch ≥ 2.6 writes itself (`set_crc32_options(False)`) and our reader
 * skips.
 */
export type ZipWriterEntry =
  | { readonly name: string; readonly data: Uint8Array }
  | { readonly name: string; readonly sparseLength: number; readonly crc?: number };

/** Bytes to place at offsets; everything else up to `size` is zeros (holes when written with `pwrite`). */
export type WritePlan = {
  readonly size: number;
  readonly chunks: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
};

export type PlanTorchZipOptions = {
  /** Data offset alignment via the `FB` extra, as `inline_container.cc` does. @default 64 */
  readonly alignment?: number;
};

const U32_LIMIT = 0xffffffff;
const FLAGS = 0x0808; // data descriptor + UTF-8 names, as torch writes
const DOS_DATE = 0x21; // 1980-01-01: a fixed timestamp keeps output reproducible
const utf8 = new TextEncoder();

type Placed = { name: Uint8Array; crc: number; length: number; offset: number; zip64: boolean };

function signed(size: number, signature: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(signature);
  return bytes;
}

function localHeader(entry: Placed, alignment: number): Uint8Array {
  const zip64Extra = entry.zip64 ? 20 : 0;
  const unpadded = entry.offset + 30 + entry.name.length + zip64Extra + 4;
  const padding = (alignment - (unpadded % alignment)) % alignment;
  const bytes = signed(30 + entry.name.length + zip64Extra + 4 + padding, ZIP_SIGNATURES.local);
  writeU16(bytes, 4, entry.zip64 ? 45 : 20);
  writeU16(bytes, 6, FLAGS);
  writeU16(bytes, 12, DOS_DATE);
  writeU16(bytes, 26, entry.name.length);
  writeU16(bytes, 28, zip64Extra + 4 + padding);
  bytes.set(entry.name, 30);
  let at = 30 + entry.name.length;
  if (entry.zip64) {
    // torch's local ZIP64 extra carries the real size and a zero compressed size.
    writeU16(bytes, at, 1);
    writeU16(bytes, at + 2, 16);
    writeU64(bytes, at + 4, entry.length);
    at += 20;
  }
  bytes.set([0x46, 0x42], at); // "FB"
  writeU16(bytes, at + 2, padding);
  bytes.fill(0x5a, at + 4); // "Z"
  return bytes;
}

function dataDescriptor(entry: Placed): Uint8Array {
  const width = entry.zip64 ? 8 : 4;
  const bytes = signed(8 + 2 * width, ZIP_SIGNATURES.dataDescriptor);
  writeU32(bytes, 4, entry.crc);
  const write = entry.zip64 ? writeU64 : writeU32;
  write(bytes, 8, entry.length);
  write(bytes, 8 + width, entry.length);
  return bytes;
}

function centralRecord(entry: Placed): Uint8Array {
  const bigSize = entry.length >= U32_LIMIT;
  const bigOffset = entry.offset >= U32_LIMIT;
  const extraLength = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
  const bytes = signed(46 + entry.name.length + extraLength, ZIP_SIGNATURES.central);
  writeU16(bytes, 6, extraLength > 0 ? 45 : 20);
  writeU16(bytes, 8, FLAGS);
  writeU16(bytes, 14, DOS_DATE);
  writeU32(bytes, 16, entry.crc);
  writeU32(bytes, 20, bigSize ? U32_LIMIT : entry.length);
  writeU32(bytes, 24, bigSize ? U32_LIMIT : entry.length);
  writeU16(bytes, 28, entry.name.length);
  writeU16(bytes, 30, extraLength);
  writeU32(bytes, 42, bigOffset ? U32_LIMIT : entry.offset);
  bytes.set(entry.name, 46);
  let at = 46 + entry.name.length;
  if (extraLength === 0) return bytes;
  writeU16(bytes, at, 1);
  writeU16(bytes, at + 2, extraLength - 4);
  at += 4;
  if (bigSize) {
    writeU64(bytes, at, entry.length);
    writeU64(bytes, at + 8, entry.length);
    at += 16;
  }
  if (bigOffset) writeU64(bytes, at, entry.offset);
  return bytes;
}

function endRecords(options: { count: number; cdOffset: number; cdSize: number }): Uint8Array {
  const { count, cdOffset, cdSize } = options;
  const bytes = new Uint8Array(56 + 20 + 22);
  bytes.set(ZIP_SIGNATURES.zip64End, 0);
  writeU64(bytes, 4, 44);
  writeU16(bytes, 12, 45);
  writeU64(bytes, 24, count);
  writeU64(bytes, 32, count);
  writeU64(bytes, 40, cdSize);
  writeU64(bytes, 48, cdOffset);
  bytes.set(ZIP_SIGNATURES.zip64Locator, 56);
  writeU64(bytes, 64, cdOffset + cdSize);
  writeU32(bytes, 72, 1);
  bytes.set(ZIP_SIGNATURES.end, 76);
  writeU16(bytes, 84, Math.min(count, 0xffff));
  writeU16(bytes, 86, Math.min(count, 0xffff));
  writeU32(bytes, 88, Math.min(cdSize, U32_LIMIT));
  writeU32(bytes, 92, Math.min(cdOffset, U32_LIMIT));
  return bytes;
}

/**
 * Lays out a torch-style zip (stored, flag 0x0808 + data descriptors, 64-byte aligned data, ZIP64 end records
 * always, ZIP64 extras for sizes/offsets ≥ 4 GiB) as chunks, so multi-GB sparse files cost no memory.
 */
export function planTorchZip(
  entries: readonly ZipWriterEntry[],
  options: PlanTorchZipOptions = {},
): WritePlan {
  const alignment = options.alignment ?? 64;
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  const placed: Placed[] = [];
  let cursor = 0;
  for (const entry of entries) {
    const length = "data" in entry ? entry.data.length : entry.sparseLength;
    const crc = "data" in entry ? crc32(entry.data) : (entry.crc ?? 0);
    const item = { name: utf8.encode(entry.name), crc, length, offset: cursor, zip64: length >= U32_LIMIT };
    const header = localHeader(item, alignment);
    chunks.push({ offset: cursor, bytes: header });
    cursor += header.length;
    if ("data" in entry && length > 0) chunks.push({ offset: cursor, bytes: entry.data });
    cursor += length;
    const descriptor = dataDescriptor(item);
    chunks.push({ offset: cursor, bytes: descriptor });
    cursor += descriptor.length;
    placed.push(item);
  }
  const records = placed.map(centralRecord);
  const cdSize = records.reduce((total, record) => total + record.length, 0);
  const cd = new Uint8Array(cdSize);
  let at = 0;
  for (const record of records) {
    cd.set(record, at);
    at += record.length;
  }
  chunks.push({ offset: cursor, bytes: cd });
  const end = endRecords({ count: placed.length, cdOffset: cursor, cdSize });
  chunks.push({ offset: cursor + cdSize, bytes: end });
  return { size: cursor + cdSize + end.length, chunks };
}

/** The plan as one buffer (small archives: tests, fixtures). */
export function materializeWritePlan(plan: WritePlan): Uint8Array {
  const bytes = new Uint8Array(plan.size);
  for (const chunk of plan.chunks) bytes.set(chunk.bytes, chunk.offset);
  return bytes;
}

export type TorchSaveEntriesOptions = {
  /** Archive root, e.g. `archive` (buffers) or the file stem. @default "archive" */
  readonly root?: string;
  readonly dataPkl: Uint8Array;
  /** Storage payloads, named `data/0`, `data/1`, … */
  readonly storages?: readonly (Uint8Array | { readonly sparseLength: number })[];
};

/** Entries in torch 1.13's order: `data.pkl`, `data/<key>`…, `version` ("3\n"). */
export function torchSaveEntries(options: TorchSaveEntriesOptions): ZipWriterEntry[] {
  const root = options.root ?? "archive";
  const storages = (options.storages ?? []).map((payload, key): ZipWriterEntry => {
    const name = `${root}/data/${key}`;
    return payload instanceof Uint8Array
      ? { name, data: payload }
      : { name, sparseLength: payload.sparseLength };
  });
  return [
    { name: `${root}/data.pkl`, data: options.dataPkl },
    ...storages,
    { name: `${root}/version`, data: utf8.encode("3\n") },
  ];
}
