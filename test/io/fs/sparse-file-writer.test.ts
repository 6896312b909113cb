import { expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { countingSource } from "../../../src/core/bytes/byte-source.ts";
import {
  analyzeTorchZip,
  readStorageRecord,
  readTorchZipRecords,
  summarizeTorchZip,
} from "../../../src/core/formats/torch-zip-layout.ts";
import { readZipDirectory } from "../../../src/core/formats/zip-directory.ts";
import { readZipEntry } from "../../../src/core/formats/zip-entry-reader.ts";
import { planTorchZip, torchSaveEntries } from "../../../src/core/formats/zip-writer.ts";
import { withFileByteSource } from "../../../src/io/checkpoint/file-byte-source.ts";
import { writeSparseFile } from "../../../src/io/fs/sparse-file-writer.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const GB = 1_000_000_000;
const DATA_PKL = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);

test("a sparse 4.5 GB ZIP64 checkpoint reads back from a few KB", () => {
  using dir = makeTempDir("zip64");
  const path = join(dir.path, "huge.ckpt");
  const plan = planTorchZip(
    torchSaveEntries({
      root: "huge",
      dataPkl: DATA_PKL,
      storages: [{ sparseLength: 4.5 * GB }, new Uint8Array([7, 7])],
    }),
  );
  writeSparseFile(path, plan);
  expect(statSync(path).size).toBe(plan.size);
  expect(statSync(path).blocks * 512).toBeLessThan(10 * 1024 * 1024);

  const result = withFileByteSource(path, (file) => {
    const source = countingSource(file);
    const directory = readZipDirectory(source);
    if (!directory.success) return directory.error;
    const layout = analyzeTorchZip(directory.data);
    const records = readTorchZipRecords(source, layout);
    if (!records.success || layout.dataPkl === undefined) return "no records";
    const dataPkl = readZipEntry(source, layout.dataPkl);
    const small = readStorageRecord(source, { layout, key: "1" });
    return {
      summary: summarizeTorchZip(layout, records.data),
      offsets: directory.data.entries.map((entry) => entry.localHeaderOffset > 0xffffffff),
      dataPkl: dataPkl.success && [...dataPkl.data],
      small: small.success && [...small.data],
      bytesRead: source.bytesRead(),
    };
  });
  if (!result.success || typeof result.data !== "object" || !("summary" in result.data))
    throw new Error(JSON.stringify(result));
  expect(result.data.summary).toEqual({
    entries: 4,
    prefix: "huge",
    first_entry: "huge/data.pkl",
    data_pkl: "huge/data.pkl",
    data_pkl_size: DATA_PKL.length,
    storage_records: 2,
    storage_bytes_total: 4.5 * GB + 2,
    compression: [0],
    other_records: ["huge/version"],
    version_record: "3",
  });
  expect(result.data.offsets).toEqual([false, false, true, true]);
  expect(result.data.dataPkl).toEqual([...DATA_PKL]);
  expect(result.data.small).toEqual([7, 7]);
  expect(result.data.bytesRead).toBeLessThan(4096 + DATA_PKL.length);
});
