// The new archive of an optimizer strip: torch's zip layout (planTorchZip: stored, 64-byte aligned, ZIP64 end
// records) with the new data.pkl, every other record but the dropped storages in the old order, each kept record
// a copy of the old bytes. Only headers and the small pickle are bytes here; the records are ranges the writer
// streams from the old file, with their CRC-32 taken from the old central directory (never recomputed over GBs).
import type { ByteSource } from "../bytes/byte-source.ts";
import { readU16, writeU32 } from "../bytes/little-endian.ts";
import { analyzeTorchZip, type TorchZipLayout } from "../formats/torch-zip-layout.ts";
import { readZipDirectory, type ZipEntry } from "../formats/zip-directory.ts";
import { entryDataOffset, readZipEntry } from "../formats/zip-entry-reader.ts";
import { planTorchZip, type WritePlan, type ZipWriterEntry } from "../formats/zip-writer.ts";
import { fail, ok, type Result } from "../result.ts";
import { type OptimizerStripPlan, planOptimizerStrip, type StripRefusal } from "./optimizer-strip-plan.ts";

/** `length` bytes of the old file at `from` go to `to` in the new one. */
export type RecordCopy = {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly length: number;
};

export type StrippedZip = {
  readonly strip: OptimizerStripPlan;
  /** Headers, descriptors, the new data.pkl, the central directory: written as they are. */
  readonly written: WritePlan;
  readonly copies: readonly RecordCopy[];
  readonly oldSize: number;
  readonly newSize: number;
};

type Kept = { readonly entry: ZipEntry; readonly from: number };

const DESCRIPTOR_CRC_AT = 4;
const CENTRAL_CRC_AT = 16;
const refused = (message: string) => fail<StripRefusal>({ code: "refused", message });

function plainTorchZip(source: ByteSource): Result<TorchZipLayout, StripRefusal> {
  const directory = readZipDirectory(source);
  if (!directory.success) return fail({ code: "absent", message: "not a zip archive" });
  const layout = analyzeTorchZip(directory.data);
  if (layout.kind !== "torch-save" || layout.dataPkl === undefined)
    return fail({ code: "absent", message: `a ${layout.kind} archive, not a torch.save dict` });
  if (layout.warnings.length > 0) return refused(`unusual archive: ${layout.warnings.join("; ")}`);
  const packed = layout.entries.find((entry) => entry.method !== 0 || (entry.flags & 1) !== 0);
  if (packed !== undefined)
    return refused(`record "${packed.name}" is compressed or encrypted (torch stores)`);
  return ok(layout);
}

function keptRecords(
  source: ByteSource,
  layout: TorchZipLayout,
  strip: OptimizerStripPlan,
): Result<Kept[], StripRefusal> {
  for (const key of strip.droppedStorages)
    if (!layout.storages.has(key)) return refused(`data.pkl names storage ${key}, which the archive lacks`);
  const dropped = new Set([...strip.droppedStorages].map((key) => layout.storages.get(key)));
  const kept: Kept[] = [];
  for (const entry of layout.entries) {
    if (dropped.has(entry) || entry === layout.dataPkl) continue;
    const from = entryDataOffset(source, entry);
    if (!from.success) return refused(from.error.message);
    kept.push({ entry, from: from.data });
  }
  return ok(kept);
}

type Chunk = { readonly offset: number; readonly bytes: Uint8Array };

/** The length of the central record at `at` (fixed part, name, extra, comment). */
const centralRecordLength = (directory: Uint8Array, at: number) =>
  46 + readU16(directory, at + 28) + readU16(directory, at + 30) + readU16(directory, at + 32);

/**
 * Lays the entries out with planTorchZip, the kept records as placeholders of their length (which it gives CRC 0),
 * then sets each placeholder's CRC-32 from the old directory, in its data descriptor and its central record.
 */
function layOut(layout: TorchZipLayout, strip: OptimizerStripPlan, kept: readonly Kept[]) {
  const dataPkl = layout.dataPkl as ZipEntry;
  const byEntry = new Map(kept.map((record) => [record.entry, record]));
  const order = layout.entries.filter((entry) => entry === dataPkl || byEntry.has(entry));
  const plan = planTorchZip(
    order.map(
      (entry): ZipWriterEntry =>
        entry === dataPkl
          ? { name: entry.name, data: strip.dataPkl }
          : { name: entry.name, sparseLength: entry.uncompressedSize },
    ),
  );
  const chunks: Chunk[] = plan.chunks.map((chunk) => ({ offset: chunk.offset, bytes: chunk.bytes.slice() }));
  const directory = (chunks[chunks.length - 2] as Chunk).bytes;
  const copies: RecordCopy[] = [];
  let [chunk, central] = [0, 0];
  // Each entry's chunks: its local header, its data (data.pkl only: the others are placeholders), its descriptor.
  for (const entry of order) {
    const header = chunks[chunk] as Chunk;
    const record = byEntry.get(entry);
    chunk += record === undefined ? 3 : 2;
    if (record !== undefined) {
      const to = header.offset + header.bytes.length;
      copies.push({ name: entry.name, from: record.from, to, length: entry.uncompressedSize });
      writeU32((chunks[chunk - 1] as Chunk).bytes, DESCRIPTOR_CRC_AT, entry.crc);
      writeU32(directory, central + CENTRAL_CRC_AT, entry.crc);
    }
    central += centralRecordLength(directory, central);
  }
  return { written: { size: plan.size, chunks }, copies };
}

/** The stripped archive's layout for a torch.save zip, or why it cannot (or need not) be stripped. */
export function planStrippedZip(source: ByteSource): Result<StrippedZip, StripRefusal> {
  const layout = plainTorchZip(source);
  if (!layout.success) return layout;
  const pickle = readZipEntry(source, layout.data.dataPkl as ZipEntry);
  if (!pickle.success) return refused(pickle.error.message);
  const strip = planOptimizerStrip(pickle.data);
  if (!strip.success) return strip;
  const kept = keptRecords(source, layout.data, strip.data);
  if (!kept.success) return kept;
  const { written, copies } = layOut(layout.data, strip.data, kept.data);
  return ok({ strip: strip.data, written, copies, oldSize: source.size, newSize: written.size });
}
