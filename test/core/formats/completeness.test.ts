import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { checkFileCompleteness } from "../../../src/core/formats/completeness.ts";
import {
  materializeWritePlan,
  planTorchZip,
  torchSaveEntries,
} from "../../../src/core/formats/zip-writer.ts";

const REAL = join(import.meta.dir, "../../fixtures/real");
const stateOf = (bytes: Uint8Array) => checkFileCompleteness(bytesSource(bytes)).state;

test.each([
  ["broken/truncated_half.ckpt", "incomplete"],
  ["broken/empty.ckpt", "incomplete"],
  ["broken/not_a_checkpoint.ckpt", "unknown"],
  ["broken/corrupt_datapkl.ckpt", "complete"],
  ["torch/tiny_cnn.safetensors", "complete"],
  ["torch/legacy_format_checkpoint.pth", "unknown"],
  ["ultralytics/runs/detect/train/weights/best.pt", "complete"],
  ["timm/output/train/20261122-145342-test_efficientnet-32/last.pth.tar", "complete"],
] as const)("%s is %s", (file, state) => {
  expect(stateOf(readFileSync(join(REAL, file)))).toBe(state);
});

test("every prefix of a zip past its 4-byte magic is incomplete; the whole file is complete", () => {
  const bytes = materializeWritePlan(
    planTorchZip(torchSaveEntries({ dataPkl: new Uint8Array([0x80, 2, 0x4e, 0x2e]) })),
  );
  const lengths = Array.from({ length: bytes.length - 4 }, (_, index) => index + 4);
  const states = new Set(lengths.map((length) => stateOf(bytes.subarray(0, length))));
  expect([...states].sort()).toEqual(["incomplete"]);
  expect(stateOf(bytes)).toBe("complete");
});

test("every proper prefix of a safetensors file is incomplete", () => {
  const bytes = new Uint8Array(readFileSync(join(REAL, "torch/tiny_cnn.safetensors")));
  const states = new Set<string>();
  for (let length = 9; length < bytes.length; length += 13) states.add(stateOf(bytes.subarray(0, length)));
  expect([...states]).toEqual(["incomplete"]);
});

test("a damaged central directory is corrupt", () => {
  const bytes = materializeWritePlan(
    planTorchZip(torchSaveEntries({ dataPkl: new Uint8Array([0x80, 2, 0x4e, 0x2e]) })),
  );
  const cd = bytes.length - 98 - (46 + 15) - (46 + 16);
  bytes[cd] = 0;
  expect(checkFileCompleteness(bytesSource(bytes))).toEqual({
    state: "corrupt",
    reason: "central directory record 0 of 2 is missing or damaged; re-save the file",
  });
});

test("legacy files go through the composer's hook", () => {
  const bytes = readFileSync(join(REAL, "torch/legacy_format_checkpoint.pth"));
  const result = checkFileCompleteness(bytesSource(bytes), {
    checkLegacyTorchPickle: () => ({ state: "complete", reason: "pickles parse to EOF" }),
  });
  expect(result).toEqual({ state: "complete", reason: "pickles parse to EOF" });
});
