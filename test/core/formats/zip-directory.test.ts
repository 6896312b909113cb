import { describe, expect, test } from "bun:test";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { writeU16, writeU32 } from "../../../src/core/bytes/little-endian.ts";
import { crc32 } from "../../../src/core/formats/crc32.ts";
import { readZipDirectory, type ZipEntry } from "../../../src/core/formats/zip-directory.ts";
import { entryDataOffset, readZipEntry } from "../../../src/core/formats/zip-entry-reader.ts";
import {
  materializeWritePlan,
  planTorchZip,
  torchSaveEntries,
  type ZipWriterEntry,
} from "../../../src/core/formats/zip-writer.ts";

const text = (value: string) => new TextEncoder().encode(value);
const zipOf = (entries: ZipWriterEntry[]) => materializeWritePlan(planTorchZip(entries));
const small = zipOf(
  torchSaveEntries({
    dataPkl: new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]),
    storages: [new Uint8Array([1, 2, 3, 4])],
  }),
);

/** Offset of the n-th central-directory record in a writer-made archive. */
function centralRecordOffset(bytes: Uint8Array, index: number): number {
  let found = -1;
  for (let at = 0; at + 4 <= bytes.length; at++) {
    if (bytes[at] === 0x50 && bytes[at + 1] === 0x4b && bytes[at + 2] === 1 && bytes[at + 3] === 2) found++;
    if (found === index) return at;
  }
  throw new Error("no such record");
}

describe("readZipDirectory", () => {
  test("reads what the writer wrote, with 64-byte aligned data", () => {
    const directory = readZipDirectory(bytesSource(small));
    if (!directory.success) throw new Error(directory.error.message);
    const entries = directory.data.entries.map(
      ({ name, method, compressedSize, uncompressedSize, flags }) => ({
        name,
        method,
        compressedSize,
        uncompressedSize,
        flags,
      }),
    );
    expect(entries).toEqual([
      { name: "archive/data.pkl", method: 0, compressedSize: 6, uncompressedSize: 6, flags: 0x0808 },
      { name: "archive/data/0", method: 0, compressedSize: 4, uncompressedSize: 4, flags: 0x0808 },
      { name: "archive/version", method: 0, compressedSize: 2, uncompressedSize: 2, flags: 0x0808 },
    ]);
    expect(directory.data.zip64).toBe(true);
    expect(directory.data.endOffset).toBe(small.length - 22);
    const offsets = directory.data.entries.map((entry) => entryDataOffset(bytesSource(small), entry));
    expect(offsets.map((offset) => offset.success && offset.data % 64)).toEqual([0, 0, 0]);
    expect(readZipEntry(bytesSource(small), directory.data.entries[1] as ZipEntry)).toEqual({
      success: true,
      data: new Uint8Array([1, 2, 3, 4]),
    });
  });

  test("every truncation length gives a typed error or a valid result, never a throw", () => {
    const codes = new Set<string>();
    for (let length = 0; length < small.length; length++) {
      const result = readZipDirectory(bytesSource(small.subarray(0, length)));
      expect(result.success).toBe(false);
      if (!result.success) codes.add(result.error.code);
    }
    expect([...codes]).toEqual(["no-central-directory"]);
  });

  test("flipping any single byte gives a typed error or a result whose reads are typed", () => {
    for (let at = 0; at < small.length; at++) {
      const bytes = small.slice();
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      const source = bytesSource(bytes);
      const result = readZipDirectory(source);
      if (result.success) for (const entry of result.data.entries) readZipEntry(source, entry);
    }
  });

  test.each([
    [
      "duplicate names",
      [
        { name: "a/x", data: text("1") },
        { name: "a/x", data: text("2") },
      ],
      "duplicate-name",
    ],
    ["a .. segment", [{ name: "a/../etc/passwd", data: text("1") }], "unsafe-name"],
    ["an absolute name", [{ name: "/etc/passwd", data: text("1") }], "unsafe-name"],
  ] as const)("rejects %s", (_name, entries, code) => {
    const result = readZipDirectory(bytesSource(zipOf([...entries])));
    expect(result.success ? undefined : result.error.code).toBe(code);
  });

  test("rejects entries whose data overlap (two records pointing at one local header)", () => {
    const bytes = zipOf([
      { name: "a/x", data: text("hello") },
      { name: "a/y", data: text("world") },
    ]);
    writeU32(bytes, centralRecordOffset(bytes, 1) + 42, 0);
    const result = readZipDirectory(bytesSource(bytes));
    expect(result.success ? undefined : result.error.code).toBe("overlapping-entries");
  });

  test("caps the entry count", () => {
    const result = readZipDirectory(bytesSource(small), { maxEntries: 2 });
    expect(result.success ? undefined : result.error.code).toBe("too-many-entries");
  });

  test("finds an end record followed by a comment", () => {
    const comment = text("made by hand");
    const bytes = new Uint8Array(small.length + comment.length);
    bytes.set(small);
    bytes.set(comment, small.length);
    writeU16(bytes, small.length - 2, comment.length);
    const result = readZipDirectory(bytesSource(bytes));
    expect(result.success && result.data.entries.length).toBe(3);
  });
});

describe("readZipEntry", () => {
  const payload = text("x".repeat(1000));
  const deflated = deflateRawSync(payload);

  function deflatedZip(): { bytes: Uint8Array; entry: ZipEntry } {
    const bytes = zipOf([{ name: "a/data.pkl", data: deflated }]);
    const cd = centralRecordOffset(bytes, 0);
    writeU16(bytes, cd + 10, 8);
    writeU32(bytes, cd + 16, crc32(payload));
    writeU32(bytes, cd + 24, payload.length);
    const directory = readZipDirectory(bytesSource(bytes));
    if (!directory.success) throw new Error(directory.error.message);
    return { bytes, entry: directory.data.entries[0] as ZipEntry };
  }

  test("inflates method 8 through the injected function", () => {
    const { bytes, entry } = deflatedZip();
    expect(readZipEntry(bytesSource(bytes), entry, { inflate: inflateRawSync })).toEqual({
      success: true,
      data: payload,
    });
  });

  test.each([
    ["no inflate function", {}, "unsupported-method"],
    [
      "an inflate that throws",
      {
        inflate: () => {
          throw new Error("bad");
        },
      },
      "inflate-failed",
    ],
    ["a size cap", { maxBytes: 10, inflate: inflateRawSync }, "entry-too-large"],
  ] as const)("typed error with %s", (_name, options, code) => {
    const { bytes, entry } = deflatedZip();
    const result = readZipEntry(bytesSource(bytes), entry, options);
    expect(result.success ? undefined : result.error.code).toBe(code);
  });

  test("a CRC mismatch is an error, a zero CRC is not checked", () => {
    const bytes = zipOf([{ name: "a/data.pkl", data: text("abc") }]);
    const directory = readZipDirectory(bytesSource(bytes));
    if (!directory.success) throw new Error(directory.error.message);
    const entry = directory.data.entries[0] as ZipEntry;
    const wrong = readZipEntry(bytesSource(bytes), { ...entry, crc: 1 });
    expect(wrong.success ? undefined : wrong.error.code).toBe("crc-mismatch");
    expect(readZipEntry(bytesSource(bytes), { ...entry, crc: 0 }).success).toBe(true);
  });

  test("a local name that disagrees with the directory is refused", () => {
    const bytes = zipOf([{ name: "a/data.pkl", data: text("abc") }]);
    bytes[30] = 0x62; // "a" → "b" in the local header only
    const directory = readZipDirectory(bytesSource(bytes));
    if (!directory.success) throw new Error(directory.error.message);
    const result = readZipEntry(bytesSource(bytes), directory.data.entries[0] as ZipEntry);
    expect(result.success ? undefined : result.error.code).toBe("corrupt-local-header");
  });
});

test("crc32 matches the reference value", () => {
  expect(crc32(text("123456789"))).toBe(0xcbf43926);
});
