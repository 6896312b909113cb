// Decoders for pickle's inline text and number forms. Pure functions: undefined means "malformed".

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 with Python's `surrogatepass`: encoded lone surrogates survive; other bad bytes become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return bytes.length <= 64 ? latin1(bytes) : strictUtf8.decode(bytes);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeUtf8Lenient(bytes);
  }
}

function decodeUtf8Lenient(bytes: Uint8Array): string {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] ?? 0;
    const need =
      b0 < 0x80 ? 0 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : b0 >= 0xe0 ? 2 : b0 >= 0xc2 && b0 < 0xe0 ? 1 : -1;
    let code = need === 0 ? b0 : need === 1 ? b0 & 0x1f : need === 2 ? b0 & 0x0f : b0 & 0x07;
    let ok = need >= 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const b = bytes[i + k] ?? 0;
      if ((b & 0xc0) !== 0x80) ok = false;
      code = (code << 6) | (b & 0x3f);
    }
    const min = [0, 0x80, 0x800, 0x10000][need] ?? 0;
    if (!ok || code < min || code > 0x10ffff) {
      units.push(0xfffd);
      i += 1;
      continue;
    }
    if (code >= 0x10000) units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
    else units.push(code);
    i += need + 1;
  }
  return fromCodeUnits(units);
}

function fromCodeUnits(units: readonly number[]): string {
  let out = "";
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}

/** Bytes → string, one code point per byte. */
export function latin1(bytes: Uint8Array): string {
  // Index loops and `apply` on the typed array itself: spreading a typed array goes through its iterator, which
  // made string decoding the slowest part of reading a checkpoint.
  let out = "";
  if (bytes.length <= 64) {
    for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i] ?? 0);
    return out;
  }
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

/** Python `int(text)` for INT/LONG/PUT/GET lines (a trailing `L` is allowed for LONG). */
export function parsePyInt(text: string): number | bigint | undefined {
  const trimmed = text.trim().replace(/L$/, "");
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) return undefined;
  return normaliseInt(BigInt(trimmed.replaceAll("_", "")));
}

export function normaliseInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Python `float(text)` for FLOAT lines: decimal forms plus inf/infinity/nan, any case. */
export function parsePyFloat(text: string): number | undefined {
  const trimmed = text.trim().replaceAll("_", "");
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(trimmed);
  if (special) {
    if ((special[2] ?? "").toLowerCase() === "nan") return Number.NaN;
    return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** `00`…`ff`: a legacy file's magic number is a 10-byte LONG1, decoded on every read. */
const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * LONG1/LONG4 payload `bytes[begin, end)`: little-endian two's complement, read in place (a Python RNG state
 * pickles ~300 LONG1s; a subarray each was a visible share of reading such a checkpoint).
 */
export function decodeLongAt(bytes: Uint8Array, begin: number, end: number): number | bigint {
  const n = end - begin;
  if (n <= 0) return 0;
  const last = bytes[end - 1] ?? 0;
  if (n <= 6) {
    let value = 0;
    for (let i = end - 1; i >= begin; i--) value = value * 256 + (bytes[i] ?? 0);
    if (last & 0x80) value -= 2 ** (8 * n);
    return value;
  }
  let hex = "";
  for (let i = end - 1; i >= begin; i--) hex += HEX_BYTE[bytes[i] ?? 0];
  let value = BigInt(`0x${hex}`);
  if (last & 0x80) value -= 1n << BigInt(8 * n);
  return normaliseInt(value);
}

const simpleEscapes: Record<string, number> = {
  "\\": 92,
  "'": 39,
  '"': 34,
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
};

/** Python `codecs.escape_decode` (the STRING opcode's quoted repr); undefined on a bad `\x` escape. */
export function escapeDecode(bytes: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (byte !== 92 || i + 1 >= bytes.length) {
      out.push(byte);
      continue;
    }
    const next = String.fromCharCode(bytes[i + 1] ?? 0);
    const simple = simpleEscapes[next];
    if (simple !== undefined) {
      out.push(simple);
      i += 1;
    } else if (next === "\n") {
      i += 1;
    } else if (next === "x") {
      const hex = String.fromCharCode(bytes[i + 2] ?? 0, bytes[i + 3] ?? 0);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out.push(Number.parseInt(hex, 16));
      i += 3;
    } else if (next >= "0" && next <= "7") {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(String.fromCharCode(bytes[i + 1 + digits.length] ?? 0))) {
        digits += String.fromCharCode(bytes[i + 1 + digits.length] ?? 0);
      }
      out.push(Number.parseInt(digits, 8) & 0xff);
      i += digits.length;
    } else {
      out.push(byte);
    }
  }
  return Uint8Array.from(out);
}

/** Python `raw-unicode-escape` (the UNICODE opcode): latin-1 plus `\uXXXX` / `\UXXXXXXXX`. */
export function rawUnicodeEscapeDecode(bytes: Uint8Array): string | undefined {
  const text = latin1(bytes);
  let out = "";
  let i = 0;
  while (i < text.length) {
    const marker = text.startsWith("\\u", i) ? 4 : text.startsWith("\\U", i) ? 8 : 0;
    if (marker === 0 || precededByOddBackslashes(text, i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const hex = text.slice(i + 2, i + 2 + marker);
    if (!new RegExp(`^[0-9a-fA-F]{${marker}}$`).test(hex)) return undefined;
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
    i += 2 + marker;
  }
  return out;
}

function precededByOddBackslashes(text: string, at: number): boolean {
  let count = 0;
  for (let k = at - 1; k >= 0 && text[k] === "\\"; k--) count += 1;
  return count % 2 === 1;
}
