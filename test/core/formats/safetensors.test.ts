import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { writeU64 } from "../../../src/core/bytes/little-endian.ts";
import { parsePythonJson } from "../../../src/core/formats/python-json.ts";
import {
  parseSafetensorsIndex,
  readSafetensorsHeader,
  summarizeSafetensors,
} from "../../../src/core/formats/safetensors.ts";

const FIXTURE = join(import.meta.dir, "../../fixtures/real/torch/tiny_cnn.safetensors");

/** u64 header length + JSON header + `dataLength` zero bytes (+ `extra` bytes beyond). */
function safetensorsOf(header: unknown, dataLength: number, extra = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + dataLength + extra);
  writeU64(bytes, 0, json.length);
  bytes.set(json, 8);
  return bytes;
}

test("tiny_cnn.safetensors matches its truth", () => {
  const truth = parsePythonJson(readFileSync(`${FIXTURE}.truth.json`, "utf8"));
  const header = readSafetensorsHeader(bytesSource(readFileSync(FIXTURE)));
  if (!header.success || !truth.success) throw new Error("unreadable fixture");
  expect(summarizeSafetensors(header.data)).toEqual((truth.data as { safetensors: never }).safetensors);
});

test("every truncation of the fixture is incomplete, never a throw", () => {
  const bytes = new Uint8Array(readFileSync(FIXTURE));
  const codes = new Set<string>();
  for (let length = 0; length < bytes.length; length += 7) {
    const result = readSafetensorsHeader(bytesSource(bytes.subarray(0, length)));
    if (!result.success) codes.add(result.error.code);
  }
  expect([...codes]).toEqual(["incomplete"]);
});

describe("validation", () => {
  const tensor = (offsets: [number, number], shape = [2]) => ({ dtype: "F32", shape, data_offsets: offsets });
  test.each([
    ["a valid file", { a: tensor([0, 8]), b: tensor([8, 16]) }, 16, 0, undefined],
    ["trailing bytes", { a: tensor([0, 8]) }, 8, 3, "trailing-bytes"],
    ["a hole", { a: tensor([0, 8]), b: tensor([12, 20]) }, 20, 0, "invalid-offsets"],
    ["an overlap", { a: tensor([0, 8]), b: tensor([4, 12]) }, 12, 0, "invalid-offsets"],
    ["size not matching the shape", { a: tensor([0, 12]) }, 12, 0, "invalid-offsets"],
    ["an unknown dtype", { a: { dtype: "Q7", shape: [1], data_offsets: [0, 1] } }, 1, 0, "invalid-tensor"],
    ["non-string metadata", { __metadata__: { epoch: 3 }, a: tensor([0, 8]) }, 8, 0, "invalid-header"],
    ["a non-object header", [1, 2], 0, 0, "invalid-header"],
  ] as const)("%s", (_name, header, dataLength, extra, code) => {
    const result = readSafetensorsHeader(bytesSource(safetensorsOf(header, dataLength, extra)));
    expect(result.success ? undefined : result.error.code).toBe(code);
  });

  test("a header length over 100,000,000 bytes is refused", () => {
    const bytes = new Uint8Array(16);
    writeU64(bytes, 0, 100_000_001);
    const result = readSafetensorsHeader(bytesSource(bytes));
    expect(result.success ? undefined : result.error.code).toBe("header-too-large");
  });

  test("empty file and zero-size tensors", () => {
    const result = readSafetensorsHeader(bytesSource(safetensorsOf({ a: tensor([0, 0], [0]) }, 0)));
    expect(result.success && result.data.dataSectionBytes).toBe(0);
  });
});

test("sharded index", () => {
  const index = JSON.stringify({
    metadata: { total_size: 48 },
    weight_map: {
      a: "model-00001-of-00002.safetensors",
      b: "model-00002-of-00002.safetensors",
      c: "model-00001-of-00002.safetensors",
    },
  });
  expect(parseSafetensorsIndex(index)).toEqual({
    success: true,
    data: {
      metadata: { total_size: 48 },
      weight_map: {
        a: "model-00001-of-00002.safetensors",
        b: "model-00002-of-00002.safetensors",
        c: "model-00001-of-00002.safetensors",
      },
      shards: ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"],
    },
  });
  expect(parseSafetensorsIndex("{").success).toBe(false);
  expect(parseSafetensorsIndex('{"weight_map": 3}').success).toBe(false);
});
