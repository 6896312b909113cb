/**
 * File names are bytes; ckpt's paths are strings. A name that is valid UTF-8 is its own string, at no cost. A
 * byte that is not part of valid UTF-8 becomes U+FFFD followed by its two upper-case hex digits (`bad\xff.ckpt` →
 * `bad\uFFFDFF.ckpt`), and a real U+FFFD in a name becomes U+FFFD followed by `U`, so every name has exactly one
 * spelling and the bytes come back exactly (`fsNameBytes`). The spelling is plain text: the catalog stores it,
 * prefixes and `/` keep their meaning, and it is shown as `\xff` (`escapeFsName`).
 */

/** Marks raw bytes in a name; a listing that decoded a name lossily shows it too, which is how those are found. */
export const RAW_BYTE_MARK = "\uFFFD";
const REAL_MARK = `${RAW_BYTE_MARK}U`;
const HEX = "0123456789ABCDEF";

/** Whether `text` carries raw bytes or a real U+FFFD (only such paths need converting at the fs boundary). */
export function hasRawBytes(text: string): boolean {
  return text.includes(RAW_BYTE_MARK);
}

/** The length of the well-formed UTF-8 sequence at `at` (Unicode Table 3-7), or 0 when the byte there starts none. */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const first = bytes[at] ?? 0;
  if (first < 0x80) return 1;
  const [length, low, high] =
    first >= 0xc2 && first <= 0xdf
      ? [2, 0x80, 0xbf]
      : first === 0xe0
        ? [3, 0xa0, 0xbf]
        : first === 0xed
          ? [3, 0x80, 0x9f]
          : first >= 0xe1 && first <= 0xef
            ? [3, 0x80, 0xbf]
            : first === 0xf0
              ? [4, 0x90, 0xbf]
              : first === 0xf4
                ? [4, 0x80, 0x8f]
                : first >= 0xf1 && first <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : [0, 0, 0];
  if (length === 0 || at + length > bytes.length) return 0;
  const second = bytes[at + 1] ?? 0;
  if (second < low || second > high) return 0;
  for (let index = 2; index < length; index++) {
    const next = bytes[at + index] ?? 0;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}

const decoder = new TextDecoder("utf-8");

/** A name (or path) read as bytes, in ckpt's spelling. */
export function fsNameFromBytes(bytes: Uint8Array): string {
  let text = "";
  let start = 0;
  let at = 0;
  while (at < bytes.length) {
    const length = sequenceLength(bytes, at);
    const isRealMark = length === 3 && bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd;
    if (length > 0 && !isRealMark) {
      at += length;
      continue;
    }
    text += decoder.decode(bytes.subarray(start, at));
    const byte = bytes[at] ?? 0;
    text += isRealMark ? REAL_MARK : `${RAW_BYTE_MARK}${HEX[byte >> 4]}${HEX[byte & 15]}`;
    at += isRealMark ? 3 : 1;
    start = at;
  }
  return start === 0 ? decoder.decode(bytes) : text + decoder.decode(bytes.subarray(start));
}

const encoder = new TextEncoder();
const MARKED = /\uFFFD(U|[0-9A-F]{2})/g;

/** The bytes a name (or path) in ckpt's spelling stands for. */
export function fsNameBytes(text: string): Uint8Array {
  if (!hasRawBytes(text)) return encoder.encode(text);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const match of text.matchAll(MARKED)) {
    parts.push(encoder.encode(text.slice(start, match.index)));
    const code = match[1] ?? "";
    parts.push(code === "U" ? encoder.encode(RAW_BYTE_MARK) : Uint8Array.of(Number.parseInt(code, 16)));
    start = match.index + match[0].length;
  }
  parts.push(encoder.encode(text.slice(start)));
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** How a name in ckpt's spelling is shown: a raw byte as `\xff`, a real U+FFFD as itself. */
export function escapeFsName(text: string): string {
  if (!hasRawBytes(text)) return text;
  return text.replace(MARKED, (_match, code: string) =>
    code === "U" ? RAW_BYTE_MARK : `\\x${code.toLowerCase()}`,
  );
}
