import type { ByteCursor } from "../../bytes/byte-cursor.ts";
import { readU32, readU64 } from "../../bytes/little-endian.ts";
import { GGUF_ARRAY, GGUF_STRING, GGUF_VALUE_TYPES } from "./gguf-tables.ts";

/** A KV value as the truth files show it: scalars whole, arrays as their count and first five elements. */
export type GgufValue = {
  readonly type: string[];
  readonly value?: number | string | boolean;
  /** Strings longer than `GGUF_STRING_CAP` keep their first bytes and say so. */
  readonly truncated?: boolean;
  readonly count?: number;
  readonly first?: (number | string | boolean)[];
};

/** A format violation in the header; the reader turns it into a `corrupt` error naming the byte. */
export class GgufCorrupt extends Error {}

/** Longest string value decoded into the report (chat templates run to a few KB). */
const GGUF_STRING_CAP = 64 * 1024;
const ARRAY_PREVIEW = 5;
const MAX_NESTING = 3;
const utf8 = new TextDecoder("utf-8");

/** Widths that change with the version: v1 wrote u32 counts and string lengths, v2+ u64. */
export type GgufWidths = { readonly count: 4 | 8 };

export function readCount(cursor: ByteCursor, widths: GgufWidths): number {
  const at = cursor.position();
  const bytes = cursor.take(widths.count);
  if (widths.count === 4) return readU32(bytes, 0);
  const count = readU64(bytes, 0);
  if (count === undefined) throw new GgufCorrupt(`a length over 2^53 at byte ${at} is impossible`);
  return count;
}

/** A `gguf_string_t`; only the first `cap` bytes are kept, the rest is skipped unread-into-memory. */
export function readString(
  cursor: ByteCursor,
  widths: GgufWidths,
  cap = GGUF_STRING_CAP,
): { text: string; truncated: boolean } {
  const length = readCount(cursor, widths);
  if (length > cursor.remaining()) cursor.skip(length); // raises the cursor's own "ends here" stop
  const kept = Math.min(length, cap);
  const text = kept === 0 ? "" : utf8.decode(cursor.take(kept));
  cursor.skip(length - kept);
  return { text, truncated: kept < length };
}

export function typeName(code: number, at: number): string {
  const known = GGUF_VALUE_TYPES[code];
  if (known === undefined) throw new GgufCorrupt(`unknown value type ${code} at byte ${at}`);
  return known.name;
}

function readScalar(cursor: ByteCursor, code: number): number | boolean {
  const type = GGUF_VALUE_TYPES[code];
  if (type?.read === undefined) throw new GgufCorrupt(`value type ${code} is not a fixed-width scalar`);
  return type.read(cursor.take(type.width), 0);
}

/** One KV value (after its type code). Arrays are walked, never held: fixed-width ones are skipped in one step. */
export function readValue(cursor: ByteCursor, widths: GgufWidths, code: number, depth = 0): GgufValue {
  const name = typeName(code, cursor.position() - 4);
  if (code === GGUF_STRING) {
    const { text, truncated } = readString(cursor, widths);
    return truncated ? { type: [name], value: text, truncated } : { type: [name], value: text };
  }
  if (code !== GGUF_ARRAY) return { type: [name], value: readScalar(cursor, code) };
  if (depth >= MAX_NESTING) throw new GgufCorrupt(`arrays nested deeper than ${MAX_NESTING} levels`);
  const elementCode = readU32(cursor.take(4), 0);
  const elementName = typeName(elementCode, cursor.position() - 4);
  const count = readCount(cursor, widths);
  return {
    type: [name, elementName],
    count,
    first: readArray(cursor, { widths, elementCode, count, depth }),
  };
}

function readArray(
  cursor: ByteCursor,
  array: { widths: GgufWidths; elementCode: number; count: number; depth: number },
): (number | string | boolean)[] {
  const { widths, elementCode, count, depth } = array;
  const width = GGUF_VALUE_TYPES[elementCode]?.width ?? 0;
  const first: (number | string | boolean)[] = [];
  const previewed = Math.min(count, ARRAY_PREVIEW);
  if (width > 0) {
    for (let index = 0; index < previewed; index++) first.push(readScalar(cursor, elementCode));
    // One bounds check for the rest: a hostile count ends here instead of looping.
    cursor.skip((count - previewed) * width);
    return first;
  }
  // Each string or nested array costs at least `widths.count` bytes, so a count larger than the bytes left
  // is known bad before the loop starts.
  if (count * widths.count > cursor.remaining()) cursor.skip(count * widths.count);
  for (let index = 0; index < count; index++) {
    if (elementCode === GGUF_STRING) {
      const text = readString(cursor, widths, index < ARRAY_PREVIEW ? GGUF_STRING_CAP : 0).text;
      if (index < ARRAY_PREVIEW) first.push(text);
      continue;
    }
    const nested = readValue(cursor, widths, elementCode, depth + 1);
    if (index < ARRAY_PREVIEW) first.push(nested.count ?? 0);
  }
  return first;
}
