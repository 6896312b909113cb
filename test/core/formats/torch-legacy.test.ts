import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { bytesSource, countingSource } from "../../../src/core/bytes/byte-source.ts";
import { checkFileCompleteness } from "../../../src/core/formats/completeness.ts";
import {
  checkLegacyTorchCompleteness,
  readLegacyTorchCheckpoint,
} from "../../../src/core/formats/torch-legacy.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";

const bytes = new Uint8Array(
  await Bun.file(join(realFixtureRoot, "torch/legacy_format_checkpoint.pth")).arrayBuffer(),
);

function withTail(extra: number[]): Uint8Array {
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return out;
}

describe("readLegacyTorchCheckpoint", () => {
  test("the five pickles are read and the storages end exactly at EOF", () => {
    const read = readLegacyTorchCheckpoint(bytesSource(bytes));
    expect(read.success && read.data.format).toBe("torch-legacy");
    expect(read.success && read.data.pickleError).toBeUndefined();
  });

  test("the storage records are not read when the pickles account for every byte of the file", () => {
    const source = countingSource(bytesSource(bytes));
    const read = readLegacyTorchCheckpoint(source);
    expect(read.success && read.data.pickleError).toBeUndefined();
    // The five pickles end at byte 4,494 of 23,050: one 8 KB window, no 8-byte count reads after it.
    expect(source.bytesRead()).toBe(8192);
  });

  test("a file whose records do not end where the pickles say is walked and judged as before", () => {
    const source = countingSource(bytesSource(withTail([1, 2, 3])));
    const read = readLegacyTorchCheckpoint(source);
    expect(read.success ? "ok" : read.error.message).toBe(
      "3 bytes after the last storage; the file is damaged",
    );
  });

  test.each([
    ["cut in the storages", bytes.subarray(0, bytes.length - 100), "incomplete"],
    ["cut in the main pickle", bytes.subarray(0, 200), "incomplete"],
    ["cut after the magic", bytes.subarray(0, 15), "incomplete"],
    ["bytes after the last storage", withTail([1, 2, 3]), "corrupt"],
  ] as const)("%s → %s", (_name, data, state) => {
    const completeness = checkFileCompleteness(bytesSource(data), {
      checkLegacyTorchPickle: checkLegacyTorchCompleteness,
    });
    expect(completeness.state).toBe(state);
    expect(completeness.reason).not.toBe("");
  });

  test("the whole file is complete through the completeness hook", () => {
    expect(
      checkFileCompleteness(bytesSource(bytes), { checkLegacyTorchPickle: checkLegacyTorchCompleteness })
        .state,
    ).toBe("complete");
  });

  test("a wrong magic number is not a torch file", () => {
    const forged = bytes.slice();
    forged[5] = (forged[5] ?? 0) ^ 0xff;
    const read = readLegacyTorchCheckpoint(bytesSource(forged));
    expect(read.success ? "ok" : read.error.code).toBe("legacy-corrupt");
  });
});
