// The new archive of an optimizer strip: torch's zip layout (planTorchZip: stored, 64-byte aligned, ZIP64 end
// records) with the new data.pkl, every other record but the dropped storages in the old order, each kept record
// a copy of the old bytes. Only headers and the small pickle are bytes here; the records are ranges the writer
// streams from the old file, with their CRC-32 taken from the old central directory (never recomputed over GBs).
import type { ByteSource } from "../bytes/byte-source.ts";
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

/**
 * Lays the entries out with planTorchZip: the new data.pkl as bytes, each kept record as a placeholder of its
 * length with its old CRC-32, whose bytes the writer copies from the old file to where the placeholder lies.
 */
function layOut(layout: TorchZipLayout, strip: OptimizerStripPlan, kept: readonly Kept[]) {
  const dataPkl = layout.dataPkl as ZipEntry;
  const byEntry = new Map(kept.map((record) => [record.entry, record]));
  const order = layout.entries.filter((entry) => entry === dataPkl || byEntry.has(entry));
  const written = planTorchZip(
    order.map(
      (entry): ZipWriterEntry =>
        entry === dataPkl
          ? { name: entry.name, data: strip.dataPkl }
          : { name: entry.name, sparseLength: entry.uncompressedSize, crc: entry.crc },
    ),
  );
  const copies: RecordCopy[] = [];
  let chunk = 0;
  // Each entry's chunks: its local header, its data (data.pkl only: the others are placeholders), its descriptor.
  for (const entry of order) {
    const header = written.chunks[chunk] as WritePlan["chunks"][number];
    const record = byEntry.get(entry);
    chunk += record === undefined ? 3 : 2;
    if (record !== undefined)
      copies.push({
        name: entry.name,
        from: record.from,
        to: header.offset + header.bytes.length,
        length: entry.uncompressedSize,
      });
  }
  return { written, copies };
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
