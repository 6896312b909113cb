import { expect, test } from "bun:test";
import { decimalSuffix, decimalText } from "../../../../src/core/formats/pickle/decimal-text.ts";

const ascii = (text: string) => new TextEncoder().encode(`<${text}>`);
const of = (text: string) => decimalText(ascii(text), 1, text.length + 1);

// Only text that `String(value)` writes back byte for byte is taken; anything else goes to the intern table.
test.each([
  ["0", "0"],
  ["7", "7"],
  ["1271", "1271"],
  ["65535", "65535"],
  ["65536", undefined],
  ["01", undefined],
  ["00", undefined],
  ["", undefined],
  ["12a", undefined],
  ["-1", undefined],
  ["123456", undefined],
  ["cpu", undefined],
])("decimalText(%p) is %p", (text, expected) => {
  expect(of(text)).toBe(expected);
});

test("the same number is the same string object each time", () => {
  const first = of("42");
  expect(first).toBe("42");
  expect(Object.is(of("42"), first)).toBe(true);
});

test.each([
  ["archive/data/0", "0"],
  ["archive/data/1271", "1271"],
  ["archive/data/012", undefined],
  ["archive/data/70000", undefined],
  ["archive/data/x1", undefined],
  ["archive/data/", undefined],
])("decimalSuffix(%p) after `archive/data/` is %p", (name, expected) => {
  expect(decimalSuffix(name, "archive/data/".length)).toBe(expected);
});

test("a zip entry's key and a pickle's key for the same number are one string", () => {
  expect(Object.is(decimalSuffix("archive/data/314", 13), of("314"))).toBe(true);
});
