// Test-only: a real torch zip checkpoint laid out again as torch lays a zip out, its data.pkl changed by
// `editPickle` and `extra` records added (a sparse `padding` record makes a multi-GB file of a few KB on disk).
import { readFileSync } from "node:fs";
import { bytesSource } from "../../src/core/bytes/byte-source.ts";
import { analyzeTorchZip } from "../../src/core/formats/torch-zip-layout.ts";
import { readZipDirectory } from "../../src/core/formats/zip-directory.ts";
import { readZipEntry } from "../../src/core/formats/zip-entry-reader.ts";
import { planTorchZip, type WritePlan, type ZipWriterEntry } from "../../src/core/formats/zip-writer.ts";

export type TorchZipRewrite = {
  readonly editPickle?: (pickle: Uint8Array) => Uint8Array;
  /** Records appended, named as given (the fixtures' archive root is `archive/`). */
  readonly extra?: readonly ZipWriterEntry[];
};

export function rewriteTorchZip(from: string, rewrite: TorchZipRewrite = {}): WritePlan {
  const source = bytesSource(readFileSync(from));
  const directory = readZipDirectory(source);
  if (!directory.success) throw new Error(directory.error.message);
  const layout = analyzeTorchZip(directory.data);
  const entries = layout.entries.map((entry): ZipWriterEntry => {
    const bytes = readZipEntry(source, entry);
    if (!bytes.success) throw new Error(bytes.error.message);
    const edit = entry === layout.dataPkl ? rewrite.editPickle : undefined;
    return { name: entry.name, data: edit === undefined ? bytes.data : edit(bytes.data) };
  });
  return planTorchZip([...entries, ...(rewrite.extra ?? [])]);
}

const splice = (bytes: Uint8Array, at: number, inserted: readonly number[]) =>
  Uint8Array.from([...bytes.subarray(0, at), ...inserted, ...bytes.subarray(at)]);

/** Inserts opcodes just before the pickle's final STOP. */
export const beforeStop = (bytes: Uint8Array, inserted: readonly number[]) =>
  splice(bytes, bytes.length - 1, inserted);

/** Inserts opcodes at a byte offset. */
export const insertAt = splice;

/** BINUNICODE of an ASCII text (< 256 chars). */
export const binUnicodeAscii = (text: string) => [
  0x58,
  text.length,
  0,
  0,
  0,
  ...[...text].map((ch) => ch.charCodeAt(0)),
];

/** `key: None` as a lone top-level SETITEM, e.g. to repeat a key the dict already has. */
export const noneItem = (key: string) => [...binUnicodeAscii(key), 0x4e, 0x73];
