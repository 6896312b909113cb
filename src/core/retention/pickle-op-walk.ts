// Walks a pickle's opcode stream without running it: each opcode's position, end and (for the few the optimizer
// strip needs) its argument. The opcodes are decoded by the interpreter's own reader (formats/pickle/pickle-reader.ts).

import type { PickleArgType, PickleOpInfo } from "../formats/pickle/pickle-opcodes.ts";
import { type DecodedOp, readOpcode } from "../formats/pickle/pickle-reader.ts";
import { decodeUtf8 } from "../formats/pickle/pickle-text.ts";
import { fail, ok, type Result } from "../result.ts";

/** One opcode: `[at, end)` is its bytes; `arg` is a memo index, an integer or a text when it has one. */
export type PickleOp = {
  readonly info: PickleOpInfo;
  readonly at: number;
  readonly end: number;
  readonly arg: number | string | undefined;
};

const INTEGER_ARGS: ReadonlySet<PickleArgType> = new Set(["uint1", "uint2", "int4", "uint4"]);
const TEXT_ARGS: ReadonlySet<PickleArgType> = new Set(["unicodestring1", "unicodestring4", "unicodestring8"]);
const LINE_ARGS: ReadonlySet<PickleArgType> = new Set([
  "decimalnl_short",
  "decimalnl_long",
  "floatnl",
  "stringnl",
  "stringnl_noescape",
  "stringnl_noescape_pair",
  "unicodestringnl",
]);

/**
 * What the strip reads of an argument: fixed-width integers (memo indices), unicode texts (keys, storage keys),
 * and a line argument's raw text (a decimal one as its number: `GET`'s memo index); nothing of other kinds.
 */
function argOf(bytes: Uint8Array, op: DecodedOp): number | string | undefined {
  const type = op.info.arg;
  if (INTEGER_ARGS.has(type) || TEXT_ARGS.has(type)) return op.arg as number | string;
  if (!LINE_ARGS.has(type)) return undefined;
  const text = decodeUtf8(bytes.subarray(op.offset + 1, op.next - 1));
  return type === "decimalnl_short" && /^-?\d+$/.test(text) ? Number(text) : text;
}

/** Every opcode up to and including STOP, or why the stream cannot be walked (unknown opcode, truncated). */
export function walkPickleOps(bytes: Uint8Array): Result<PickleOp[], string> {
  const ops: PickleOp[] = [];
  let at = 0;
  while (at < bytes.length) {
    // No length limit of its own: an argument longer than data.pkl runs past its end.
    const decoded = readOpcode(bytes, at, bytes.length);
    if (!decoded.success) {
      const { code, opcode } = decoded.error;
      if (code === "unknown-opcode")
        return fail(`byte 0x${(bytes[at] ?? 0).toString(16)} at ${at} is not an opcode`);
      // With data.pkl's length as the limit, a limit exceeded is an argument longer than what is left of it.
      if (code === "truncated" || code === "limit-exceeded")
        return fail(`opcode ${opcode} at ${at} runs past the end of data.pkl`);
      return fail(`opcode ${opcode} at ${at} has a malformed argument (${decoded.error.message})`);
    }
    const op = decoded.data;
    ops.push({ info: op.info, at, end: op.next, arg: argOf(bytes, op) });
    at = op.next;
    if (op.info.name === "STOP") return at === bytes.length ? ok(ops) : fail(`bytes after STOP at ${at - 1}`);
  }
  return fail("data.pkl ends without STOP");
}
