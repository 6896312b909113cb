// Storage keys are decimal numbers ("0" … "1271" in an Ultralytics file, the same ones in every file): kept in one
// array by value, not in the intern table, where thousands of them pushed other strings out (in a bulk pass over
// the bench's 68 files, 28 % of the table's look-ups missed). The zip layout keys its `data/<key>` entries by the
// same strings, whose hash is then already known.
const MAX_VALUE = 1 << 16;
const byValue: Array<string | undefined> = [];

/**
 * `bytes[begin, end)` as a string when it is a decimal number below 65,536 written without a leading zero (so the
 * text is `String(value)` exactly); undefined for anything else.
 */
export function decimalText(bytes: Uint8Array, begin: number, end: number): string | undefined {
  const length = end - begin;
  if (length < 1 || length > 5 || (length > 1 && bytes[begin] === 0x30)) return undefined;
  let value = 0;
  for (let i = begin; i < end; i++) {
    const digit = (bytes[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value >= MAX_VALUE ? undefined : decimalString(value);
}

/**
 * `name.slice(from)` when that is a decimal number below 65,536 without a leading zero (a zip's `data/<key>`
 * entry), as the same string `decimalText` gives; undefined for anything else.
 */
export function decimalSuffix(name: string, from: number): string | undefined {
  const length = name.length - from;
  if (length < 1 || length > 5 || (length > 1 && name.charCodeAt(from) === 0x30)) return undefined;
  let value = 0;
  for (let i = from; i < name.length; i++) {
    const digit = name.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value >= MAX_VALUE ? undefined : decimalString(value);
}

function decimalString(value: number): string {
  // Grown in order (keys count up from 0), so the array stays dense.
  while (byValue.length <= value) byValue.push(undefined);
  const known = byValue[value];
  if (known !== undefined) return known;
  const text = String(value);
  byValue[value] = text;
  return text;
}
