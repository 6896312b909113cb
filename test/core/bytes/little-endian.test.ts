import { expect, test } from "bun:test";
import {
  readBigU64,
  readF32,
  readF64,
  readI8,
  readI16,
  readI32,
  readI64,
  readU16,
  readU32,
  readU64,
} from "../../../src/core/bytes/little-endian.ts";

/** `value` written little-endian by DataView at offset 1 of a 10-byte buffer (the readers honour offsets). */
function written(width: number, write: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(10).fill(0xee);
  write(new DataView(bytes.buffer, 1, width));
  return bytes;
}

test.each<[string, Uint8Array, (bytes: Uint8Array, offset: number) => unknown, unknown]>([
  ["i8 -2", written(1, (v) => v.setInt8(0, -2)), readI8, -2],
  ["u16 65534", written(2, (v) => v.setUint16(0, 65534, true)), readU16, 65534],
  ["i16 -300", written(2, (v) => v.setInt16(0, -300, true)), readI16, -300],
  ["u32 4e9", written(4, (v) => v.setUint32(0, 4_000_000_000, true)), readU32, 4_000_000_000],
  ["i32 -5", written(4, (v) => v.setInt32(0, -5, true)), readI32, -5],
  ["u64 2^40+3", written(8, (v) => v.setBigUint64(0, 2n ** 40n + 3n, true)), readU64, 2 ** 40 + 3],
  ["u64 past 2^53 is no offset", written(8, (v) => v.setBigUint64(0, 2n ** 60n, true)), readU64, undefined],
  ["big u64 2^64-1", written(8, (v) => v.setBigUint64(0, 2n ** 64n - 1n, true)), readBigU64, 2n ** 64n - 1n],
  ["i64 -7", written(8, (v) => v.setBigInt64(0, -7n, true)), readI64, -7n],
  ["f32 1.5", written(4, (v) => v.setFloat32(0, 1.5, true)), readF32, 1.5],
  ["f64 -0.1", written(8, (v) => v.setFloat64(0, -0.1, true)), readF64, -0.1],
])("%s", (_name, bytes, read, expected) => {
  expect(read(bytes, 1)).toEqual(expected);
});
