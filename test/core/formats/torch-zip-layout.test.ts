import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { bytesSource, countingSource } from "../../../src/core/bytes/byte-source.ts";
import { parsePythonJson } from "../../../src/core/formats/python-json.ts";
import {
  analyzeTorchZip,
  readStorageRecord,
  readTorchZipRecords,
  summarizeTorchZip,
  type TorchZipSummary,
} from "../../../src/core/formats/torch-zip-layout.ts";
import { readZipDirectory, type ZipDirectory } from "../../../src/core/formats/zip-directory.ts";
import {
  materializeWritePlan,
  planTorchZip,
  torchSaveEntries,
  type ZipWriterEntry,
} from "../../../src/core/formats/zip-writer.ts";
import { withFileByteSource } from "../../../src/io/checkpoint/file-byte-source.ts";

const REAL = join(import.meta.dir, "../../fixtures/real");

type Truth = { container: string; symlink_target?: string; zip?: Record<string, unknown> };

function truthFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".truth.json"))
    .map((name) => join(dir, name))
    .sort();
}

/** The checked-out fixtures may hold a symlink as a plain file naming its target. */
function checkpointPath(truthPath: string, truth: Truth): string {
  const path = truthPath.slice(0, -".truth.json".length);
  if (truth.symlink_target === undefined) return path;
  const text = readFileSync(path);
  return text.length < 256 && text.toString("utf8") === truth.symlink_target
    ? join(path, "..", truth.symlink_target)
    : path;
}

const zipCases = truthFiles(REAL)
  .map((path) => {
    const parsed = parsePythonJson(readFileSync(path, "utf8"));
    if (!parsed.success) throw new Error(`${path}: ${parsed.error}`);
    return { path, truth: parsed.data as Truth };
  })
  .filter(({ truth }) => truth.zip !== undefined && !("error" in (truth.zip ?? {})));

describe("torch zip layout vs truth", () => {
  test.each(zipCases.map(({ path, truth }) => [relative(REAL, path), path, truth] as const))(
    "%s",
    (_name, truthPath, truth) => {
      const summary = withFileByteSource(checkpointPath(truthPath, truth), (source) => {
        const directory = readZipDirectory(source);
        if (!directory.success) return directory.error;
        const layout = analyzeTorchZip(directory.data);
        const records = readTorchZipRecords(source, layout);
        if (!records.success) return records.error;
        expect(layout.warnings).toEqual([]);
        expect(layout.kind).toBe("torch-save");
        return summarizeTorchZip(layout, records.data);
      });
      expect(summary).toEqual({ success: true, data: truth.zip as TorchZipSummary });
    },
  );
});

const text = (value: string) => new TextEncoder().encode(value);
const PICKLE = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);

function directoryOf(entries: ZipWriterEntry[]): { bytes: Uint8Array; directory: ZipDirectory } {
  const bytes = materializeWritePlan(planTorchZip(entries));
  const directory = readZipDirectory(bytesSource(bytes));
  if (!directory.success) throw new Error(directory.error.message);
  return { bytes, directory: directory.data };
}

describe("analyzeTorchZip", () => {
  test.each([
    ["torch.save", [{ name: "ck/data.pkl", data: PICKLE }], "torch-save", "ck"],
    [
      "TorchScript",
      [
        { name: "m/data.pkl", data: PICKLE },
        { name: "m/constants.pkl", data: PICKLE },
        { name: "m/code/__torch__.py", data: text("") },
      ],
      "torchscript",
      "m",
    ],
    [
      "torch.package",
      [
        { name: "pkg/.data/version", data: text("6\n") },
        { name: "pkg/models/model.pkl", data: PICKLE },
      ],
      "torch-package",
      "pkg",
    ],
    ["another zip", [{ name: "arr_0.npy", data: text("x") }], "other-zip", undefined],
  ] as const)("recognises %s", (_name, entries, kind, prefix) => {
    const layout = analyzeTorchZip(directoryOf([...entries]).directory);
    expect({ kind: layout.kind, prefix: layout.prefix }).toEqual({ kind, prefix });
  });

  test("reads records and storages, and warns about entries outside the root", () => {
    const { bytes, directory } = directoryOf([
      ...torchSaveEntries({
        root: "epoch=3-step=100",
        dataPkl: PICKLE,
        storages: [new Uint8Array([0, 0, 128, 63])],
      }),
      { name: "epoch=3-step=100/byteorder", data: text("little") },
      { name: "epoch=3-step=100/.format_version", data: text("1") },
      { name: "stray/file", data: text("?") },
    ]);
    const source = countingSource(bytesSource(bytes));
    const layout = analyzeTorchZip(directory);
    expect(layout.warnings).toEqual([
      '1 entries outside the archive root "epoch=3-step=100/" (first: "stray/file")',
    ]);
    expect(readTorchZipRecords(source, layout)).toEqual({
      success: true,
      data: {
        version: "3",
        byteorder: "little",
        formatVersion: "1",
        storageAlignment: undefined,
        serializationId: undefined,
      },
    });
    expect(readStorageRecord(source, { layout, key: "0" })).toEqual({
      success: true,
      data: new Uint8Array([0, 0, 128, 63]),
    });
    const missing = readStorageRecord(source, { layout, key: "7" });
    expect(missing.success ? undefined : missing.error.code).toBe("corrupt-central-directory");
    expect(
      summarizeTorchZip(layout, {
        version: "3",
        byteorder: "little",
        formatVersion: "1",
        storageAlignment: undefined,
        serializationId: undefined,
      }),
    ).toEqual({
      entries: 6,
      prefix: "epoch=3-step=100",
      first_entry: "epoch=3-step=100/data.pkl",
      data_pkl: "epoch=3-step=100/data.pkl",
      data_pkl_size: 6,
      storage_records: 1,
      storage_bytes_total: 4,
      compression: [0],
      other_records: [
        "epoch=3-step=100/version",
        "epoch=3-step=100/byteorder",
        "epoch=3-step=100/.format_version",
        "stray/file",
      ],
      version_record: "3",
    });
  });
});
