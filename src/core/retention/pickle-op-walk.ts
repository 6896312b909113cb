// Walks a pickle's opcode stream without running it: each opcode's position, end and (for the few the optimizer
// strip needs) its argument. Argument widths are pickletools' (the table in formats/pickle/pickle-opcodes.ts).
import { readI32, readU16, readU32, readU64 } from "../bytes/little-endian.ts";
import { opcodeByByte, type PickleArgType, type PickleOpInfo } from "../formats/pickle/pickle-opcodes.ts";
import { decodeUtf8 } from "../formats/pickle/pickle-text.ts";
import { fail, ok, type Result } from "../result.ts";

/** One opcode: `[at, end)` is its bytes; `arg` is a memo index, an integer or a text when it has one. */
export type PickleOp = {
  readonly info: PickleOpInfo;
  readonly at: number;
  readonly end: number;
  readonly arg: number | string | undefined;
};

type ArgSpan = { readonly end: number; readonly arg: number | string | undefined };

const NEWLINE = 0x0a;
const FIXED_WIDTH: Partial<Record<PickleArgType, number>> = {
  none: 0,
  uint1: 1,
  uint2: 2,
  int4: 4,
  uint4: 4,
  uint8: 8,
  float8: 8,
};
/** Length-prefixed arguments: the prefix's width. */
const PREFIX_WIDTH: Partial<Record<PickleArgType, number>> = {
  string1: 1,
  unicodestring1: 1,
  bytes1: 1,
  long1: 1,
  string4: 4,
  unicodestring4: 4,
  bytes4: 4,
  long4: 4,
  unicodestring8: 8,
  bytes8: 8,
  bytearray8: 8,
};
const TEXT_ARGS: ReadonlySet<PickleArgType> = new Set(["unicodestring1", "unicodestring4", "unicodestring8"]);

function fixedArg(bytes: Uint8Array, at: number, type: PickleArgType): number | undefined {
  switch (type) {
    case "uint1":
      return bytes[at];
    case "uint2":
      return readU16(bytes, at);
    case "int4":
      return readI32(bytes, at);
    case "uint4":
      return readU32(bytes, at);
    default:
      return undefined;
  }
}

function lineEnd(bytes: Uint8Array, from: number): number {
  const found = bytes.indexOf(NEWLINE, from);
  return found < 0 ? -1 : found + 1;
}

function lineArg(bytes: Uint8Array, start: number, type: PickleArgType): ArgSpan | undefined {
  const first = lineEnd(bytes, start);
  if (first < 0) return undefined;
  const end = type === "stringnl_noescape_pair" ? lineEnd(bytes, first) : first;
  if (end < 0) return undefined;
  const text = decodeUtf8(bytes.subarray(start, end - 1));
  const integer = type === "decimalnl_short" && /^-?\d+$/.test(text) ? Number(text) : undefined;
  return { end, arg: integer ?? text };
}

function prefixedArg(
  bytes: Uint8Array,
  start: number,
  type: PickleArgType,
  width: number,
): ArgSpan | undefined {
  if (start + width > bytes.length) return undefined;
  const length = width === 1 ? bytes[start] : width === 4 ? readU32(bytes, start) : readU64(bytes, start);
  if (length === undefined || start + width + length > bytes.length) return undefined;
  const body = bytes.subarray(start + width, start + width + length);
  return { end: start + width + length, arg: TEXT_ARGS.has(type) ? decodeUtf8(body) : undefined };
}

function argSpan(bytes: Uint8Array, start: number, type: PickleArgType): ArgSpan | undefined {
  const fixed = FIXED_WIDTH[type];
  if (fixed !== undefined)
    return start + fixed > bytes.length
      ? undefined
      : { end: start + fixed, arg: fixedArg(bytes, start, type) };
  const width = PREFIX_WIDTH[type];
  return width === undefined ? lineArg(bytes, start, type) : prefixedArg(bytes, start, type, width);
}

/** Every opcode up to and including STOP, or why the stream cannot be walked (unknown opcode, truncated). */
export function walkPickleOps(bytes: Uint8Array): Result<PickleOp[], string> {
  const ops: PickleOp[] = [];
  let at = 0;
  while (at < bytes.length) {
    const info = opcodeByByte[bytes[at] ?? 0];
    if (info === undefined) return fail(`byte 0x${(bytes[at] ?? 0).toString(16)} at ${at} is not an opcode`);
    const span = argSpan(bytes, at + 1, info.arg);
    if (span === undefined) return fail(`opcode ${info.name} at ${at} runs past the end of data.pkl`);
    ops.push({ info, at, end: span.end, arg: span.arg });
    at = span.end;
    if (info.name === "STOP") return at === bytes.length ? ok(ops) : fail(`bytes after STOP at ${at - 1}`);
  }
  return fail("data.pkl ends without STOP");
}
