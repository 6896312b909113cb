import { expect, test } from "bun:test";
import { interpretPickle } from "../../../../src/core/formats/pickle/pickle-interpreter.ts";
import type { PickleLimits } from "../../../../src/core/formats/pickle/pickle-limits.ts";
import { pk, u16, u32 } from "../../../helpers/pickle-bytes.ts";

// Integers in a row are pushed by one loop (intRun); these pin that it counts, charges, pushes and fails exactly
// as the opcode-by-opcode path does: the value, the opcode count, and each limit's error at the opcode that hits it.
const ints: { bytes: number[]; value: number | bigint }[] = [
  { bytes: [0x4b, 7], value: 7 }, // BININT1
  { bytes: [0x4d, ...u16(300)], value: 300 }, // BININT2
  { bytes: [0x4a, ...u32(-5)], value: -5 }, // BININT
  { bytes: [0x8a, 5, ...u32(3092245065), 0], value: 3092245065 }, // LONG1, 5 bytes (an RNG state's word)
  { bytes: [0x8a, 1, 0xff], value: -1 }, // LONG1, negative
  { bytes: [0x8a, 0], value: 0 }, // LONG1, empty
  { bytes: [0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1], value: 2n ** 64n }, // LONG1 over 6 bytes: a bigint
  { bytes: [0x4b, 255], value: 255 },
];
const start = 3; // PROTO 2, MARK
const offsets = ints.map((_, index) => start + ints.slice(0, index).flatMap((i) => i.bytes).length);
const names = ["BININT1", "BININT2", "BININT", "LONG1", "LONG1", "LONG1", "LONG1", "BININT1"];
const bytes = pk(
  0x80,
  2,
  "(",
  ints.map((i) => i.bytes),
  "t.",
);

test("integers in a row become the same values and opcode count", () => {
  const result = interpretPickle(bytes);
  if (!result.success) throw new Error(result.error.message);
  expect(result.data.value).toEqual({ kind: "tuple", items: ints.map((i) => i.value) });
  expect(result.data.opcodeCount).toBe(2 + ints.length + 2);
});

const errorOf = (data: Uint8Array, limits: Partial<PickleLimits> = {}) => {
  const result = interpretPickle(data, { limits });
  return result.success ? undefined : result.error;
};

test.each([3, 5, 7])("maxOpcodes reached at integer %i of the run fails at that opcode", (index) => {
  expect(errorOf(bytes, { maxOpcodes: 2 + index })).toMatchObject({
    code: "limit-exceeded",
    limit: "maxOpcodes",
    offset: offsets[index] ?? -1,
    opcode: names[index] ?? "",
  });
});

test.each([2, 4, 6])("maxStackItems reached at integer %i of the run fails at that opcode", (index) => {
  expect(errorOf(bytes, { maxStackItems: index })).toMatchObject({
    code: "limit-exceeded",
    limit: "maxStackItems",
    offset: offsets[index] ?? -1,
    opcode: names[index] ?? "",
  });
});

test("maxTotalBytes: each integer costs its opcode (8) and its value (16)", () => {
  // PROTO and MARK cost 8 each; integer 2 would bring the total to 16 + 3 × 24 = 88.
  expect(errorOf(bytes, { maxTotalBytes: 87 })).toMatchObject({
    limit: "maxTotalBytes",
    offset: offsets[2] ?? -1,
  });
  expect(errorOf(bytes, { maxTotalBytes: 88 })).toMatchObject({ offset: offsets[3] ?? -1 });
});

test("a run cut inside an integer's argument is truncated at that opcode", () => {
  const cut = bytes.subarray(0, (offsets[3] ?? 0) + 3);
  expect(errorOf(cut)).toMatchObject({ code: "truncated", offset: offsets[3] ?? -1, opcode: "LONG1" });
});
