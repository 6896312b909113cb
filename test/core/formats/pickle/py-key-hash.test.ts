import { expect, test } from "bun:test";
import { keyHash } from "../../../../src/core/formats/pickle/py-key-hash.ts";

// Python-equal keys hash alike (`1 == 1.0 == True`, `0 == -0.0`); the small non-negative ints come from a table
// made once per process and must say exactly what the general form says.
test.each([
  [0, "n:0"],
  [-0, "n:0"],
  [false, "n:0"],
  [1, "n:1"],
  [1.0, "n:1"],
  [true, "n:1"],
  [1n, "n:1"],
  [7, "n:7"],
  [65535, "n:65535"],
  [65536, "n:65536"],
  [-1, "n:-1"],
  [1.5, "n:1.5"],
  [2 ** 53, "n:9007199254740992"],
  [Number.NaN, "n:NaN"],
])("keyHash(%p) is %p", (key, expected) => {
  expect(keyHash(key)).toBe(expected);
  expect(keyHash(key)).toBe(expected);
});
