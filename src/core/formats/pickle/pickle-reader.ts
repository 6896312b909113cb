import { readI32, readU16, readU32 } from "../../bytes/little-endian.ts";
import { fail, ok, type Result } from "../../result.ts";
import { internedAscii } from "../../text/interned-ascii.ts";
import { type PickleError, pickleError } from "./pickle-error.ts";
import { opcodeByByte, type PickleOpInfo } from "./pickle-opcodes.ts";
import { decodeLongAt, decodeUtf8, escapeDecode, latin1, rawUnicodeEscapeDecode } from "./pickle-text.ts";

/** An opcode's decoded inline argument. Text-number forms stay text; the machine parses them. */
export type PickleArg = undefined | number | bigint | string | Uint8Array | readonly [string, string];

export interface DecodedOp {
  readonly info: PickleOpInfo;
  readonly arg: PickleArg;
  /** Offset of the opcode byte. */
  readonly offset: number;
  /** Offset just past the argument. */
  readonly next: number;
}

type Step = PickleError | undefined;

type MutableOp = { info: PickleOpInfo; arg: PickleArg; offset: number; next: number };

function isError(step: PickleError | DecodedOp): step is PickleError {
  return "code" in step;
}

/** Decodes the opcode at `offset` with its argument; never reads past `bytes`. */
export function readOpcode(
  bytes: Uint8Array,
  offset: number,
  maxStringBytes: number,
): Result<DecodedOp, PickleError> {
  const decoded = new OpcodeReader(bytes, maxStringBytes).read(offset);
  return isError(decoded) ? fail(decoded) : ok({ ...decoded });
}

/**
 * Decodes opcodes from one buffer. Made once per pickle: the interpreter decodes tens of thousands of opcodes,
 * and allocating a DataView, a Result and an op object per opcode was most of its time. The op `read` returns
 * is reused: it is valid until the next call.
 */
export class OpcodeReader {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly maxStringBytes: number;
  private start = 0;
  private offset = 0;
  private name = "";
  private readonly current: MutableOp = {
    info: opcodeByByte[0x2e] as PickleOpInfo,
    arg: undefined,
    offset: 0,
    next: 0,
  };

  constructor(bytes: Uint8Array, maxStringBytes: number) {
    this.bytes = bytes;
    this.maxStringBytes = maxStringBytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The opcode at `offset`, or an error value. */
  read(offset: number): DecodedOp | PickleError {
    if (offset >= this.bytes.length) {
      return pickleError({ code: "truncated", what: "data ended before STOP", offset });
    }
    const info = opcodeByByte[this.bytes[offset] ?? 0];
    if (!info) {
      const hex = (this.bytes[offset] ?? 0).toString(16).padStart(2, "0");
      return pickleError({ code: "unknown-opcode", what: `byte 0x${hex} is not a pickle opcode`, offset });
    }
    this.offset = offset;
    this.start = offset + 1;
    this.name = info.name;
    const error = this.readArg(info);
    if (error !== undefined) return error;
    this.current.info = info;
    this.current.offset = offset;
    return this.current;
  }

  private readArg(info: PickleOpInfo): Step {
    const s = this.start;
    switch (info.arg) {
      case "none":
        return this.done(undefined, s);
      case "uint1":
        return this.fixed(1) ?? this.done(this.bytes[s] ?? 0, s + 1);
      case "uint2":
        return this.fixed(2) ?? this.done(readU16(this.bytes, s), s + 2);
      case "int4":
        // Byte arithmetic, not the DataView (a native call per BININT/LONG_BINPUT/LONG_BINGET in the profile).
        return this.fixed(4) ?? this.done(readI32(this.bytes, s), s + 4);
      case "uint4":
        return this.fixed(4) ?? this.done(readU32(this.bytes, s), s + 4);
      case "uint8":
        return this.fixed(8) ?? this.done(Number(this.view.getBigUint64(s, true)), s + 8);
      case "float8":
        return this.fixed(8) ?? this.done(this.view.getFloat64(s, false), s + 8);
      case "decimalnl_short":
      case "decimalnl_long":
      case "floatnl":
        return this.line((raw) => latin1(raw));
      case "stringnl":
        return this.line((raw) => quotedString(raw));
      case "stringnl_noescape":
        return this.line((raw) => decodeUtf8(raw));
      case "stringnl_noescape_pair":
        return this.linePair();
      case "unicodestringnl":
        return this.line((raw) => rawUnicodeEscapeDecode(raw));
      case "string1":
      case "unicodestring1":
      case "bytes1":
      case "long1":
        return this.counted(1, info.arg);
      case "string4":
      case "unicodestring4":
      case "bytes4":
      case "long4":
        return this.counted(4, info.arg);
      case "unicodestring8":
      case "bytes8":
      case "bytearray8":
        return this.counted(8, info.arg);
      default:
        return this.fail("bad-argument", "unknown argument type");
    }
  }

  private done(arg: PickleArg, next: number): undefined {
    this.current.arg = arg;
    this.current.next = next;
    return undefined;
  }

  private fail(
    code: "truncated" | "bad-argument" | "limit-exceeded",
    what: string,
    limit?: string,
  ): PickleError {
    return pickleError({ code, what, offset: this.offset, opcode: this.name, ...(limit ? { limit } : {}) });
  }

  /** An error when a fixed-size argument would run past the data, else undefined. */
  private fixed(size: number): PickleError | undefined {
    return this.start + size > this.bytes.length
      ? this.fail("truncated", `needs ${size} argument bytes`)
      : undefined;
  }

  private line(decode: (raw: Uint8Array) => PickleArg): Step {
    const end = this.bytes.indexOf(10, this.start);
    if (end < 0) return this.fail("truncated", "line argument has no newline");
    if (end - this.start > this.maxStringBytes)
      return this.fail("limit-exceeded", "line too long", "maxStringBytes");
    const arg = decode(this.bytes.subarray(this.start, end));
    if (arg === undefined) return this.fail("bad-argument", "malformed text argument");
    return this.done(arg, end + 1);
  }

  private linePair(): Step {
    const first = this.bytes.indexOf(10, this.start);
    const second = first < 0 ? -1 : this.bytes.indexOf(10, first + 1);
    if (second < 0) return this.fail("truncated", "expected two lines (module, name)");
    if (second - this.start > this.maxStringBytes)
      return this.fail("limit-exceeded", "line too long", "maxStringBytes");
    // Short ASCII names (all of torch's) from the intern table: a protocol-2 pickle repeats each GLOBAL's text.
    const module = this.lineText(this.start, first);
    const name = this.lineText(first + 1, second);
    return this.done([module, name] as const, second + 1);
  }

  /** A GLOBAL/INST line: short ASCII (all of torch's names) from the intern table, anything else decoded. */
  private lineText(begin: number, end: number): string {
    const interned = end - begin <= 64 ? internedAscii(this.bytes, begin, end) : undefined;
    return interned ?? decodeUtf8(this.bytes.subarray(begin, end));
  }

  private counted(lengthSize: 1 | 4 | 8, kind: string): Step {
    const s = this.start;
    if (s + lengthSize > this.bytes.length) return this.fail("truncated", "length prefix cut short");
    const signed = kind === "string4" || kind === "long4";
    const length =
      lengthSize === 1
        ? (this.bytes[s] ?? 0)
        : lengthSize === 4
          ? signed
            ? readI32(this.bytes, s)
            : readU32(this.bytes, s)
          : Number(this.view.getBigUint64(s, true));
    if (length < 0) return this.fail("bad-argument", `negative length ${length}`);
    if (length > this.maxStringBytes) {
      return this.fail("limit-exceeded", `argument of ${length} bytes`, "maxStringBytes");
    }
    const begin = s + lengthSize;
    if (begin + length > this.bytes.length) {
      return this.fail("truncated", `argument of ${length} bytes runs past the end of the data`);
    }
    if (length <= 64 && TEXT_KINDS.has(kind)) {
      const ascii = internedAscii(this.bytes, begin, begin + length);
      if (ascii !== undefined) return this.done(ascii, begin + length);
    }
    if (kind === "long1" || kind === "long4")
      return this.done(decodeLongAt(this.bytes, begin, begin + length), begin + length);
    const raw = this.bytes.subarray(begin, begin + length);
    return this.done(decodeCounted(kind, raw), begin + length);
  }
}

/** Argument kinds that decode to text (the rest are bytes or little-endian longs). */
const TEXT_KINDS = new Set(["string1", "string4", "unicodestring1", "unicodestring4", "unicodestring8"]);

function decodeCounted(kind: string, raw: Uint8Array): PickleArg {
  switch (kind) {
    case "bytes1":
    case "bytes4":
    case "bytes8":
    case "bytearray8":
      return raw.slice();
    default:
      // py2 str (string1/string4) is decoded like torch.load does (utf-8); unicode forms are utf-8 too.
      return decodeUtf8(raw);
  }
}

function quotedString(raw: Uint8Array): string | undefined {
  const first = raw[0];
  if (raw.length < 2 || (first !== 0x22 && first !== 0x27) || raw[raw.length - 1] !== first) return undefined;
  const decoded = escapeDecode(raw.subarray(1, raw.length - 1));
  return decoded === undefined ? undefined : decodeUtf8(decoded);
}
