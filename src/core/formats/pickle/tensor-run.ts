import { readI32, readU32 } from "../../bytes/little-endian.ts";
import { internedAscii } from "../../text/interned-ascii.ts";
import { decimalText } from "./decimal-text.ts";
import { DeferredRun } from "./deferred-run.ts";
import { KnownGlobal } from "./known-global.ts";
import type { PickleMachine } from "./pickle-machine.ts";
import { pickleOpcodes } from "./pickle-opcodes.ts";
import { isTagged, type PyGlobal, type PyValue, type StorageRef, type TensorRef } from "./py-value.ts";
import { storageRef, stridedTensor } from "./torch-reconstructors.ts";

// The opcodes of the run torch writes per tensor, from the one opcode table.
const op = {
  MARK: pickleOpcodes.MARK[0],
  EMPTY_TUPLE: pickleOpcodes.EMPTY_TUPLE[0],
  NONE: pickleOpcodes.NONE[0],
  BININT: pickleOpcodes.BININT[0],
  BININT1: pickleOpcodes.BININT1[0],
  BININT2: pickleOpcodes.BININT2[0],
  BINPERSID: pickleOpcodes.BINPERSID[0],
  REDUCE: pickleOpcodes.REDUCE[0],
  BINUNICODE: pickleOpcodes.BINUNICODE[0],
  BINGET: pickleOpcodes.BINGET[0],
  LONG_BINGET: pickleOpcodes.LONG_BINGET[0],
  BINPUT: pickleOpcodes.BINPUT[0],
  LONG_BINPUT: pickleOpcodes.LONG_BINPUT[0],
  TUPLE: pickleOpcodes.TUPLE[0],
  TUPLE1: pickleOpcodes.TUPLE1[0],
  TUPLE2: pickleOpcodes.TUPLE2[0],
  TUPLE3: pickleOpcodes.TUPLE3[0],
  NEWTRUE: pickleOpcodes.NEWTRUE[0],
  NEWFALSE: pickleOpcodes.NEWFALSE[0],
  SHORT_BINUNICODE: pickleOpcodes.SHORT_BINUNICODE[0],
} as const;

/** An int or byte the run does not have where it should: the ordinary interpreter takes the bytes. */
const NO_MATCH = -1;
const MAX_PUTS = 16;
const MAX_DIMS = 32;
const PUT_TENSOR = 0;
const PUT_STRING = 1;
const PUT_DEFERRED = 2;

/**
 * Recognises the opcode run `pickle` writes for one tensor after `BINGET <_rebuild_tensor_v2>` and builds only
 * the TensorRef (with its StorageRef), as the ordinary interpreter would:
 *
 *   MARK MARK <'storage'> BINGET<XStorage> <key> <location> <numel> TUPLE BINPERSID <offset> <shape> <stride>
 *   NEWFALSE|NEWTRUE BINGET<OrderedDict> EMPTY_TUPLE REDUCE TUPLE REDUCE        (each value optionally BINPUT)
 *
 * where a string is BINUNICODE/SHORT_BINUNICODE (ASCII, ≤ 64 bytes) or a BINGET of one. Anything else (a GLOBAL,
 * a LONG1, a memoized shape, a FRAME) is NO_MATCH and the interpreter runs the bytes itself, so every GLOBAL is
 * still executed and recorded by it. Nothing is changed until the whole run has matched.
 */
export class TensorRunMatcher {
  private readonly bytes: Uint8Array;
  private readonly m: PickleMachine;
  private at = 0;
  /** Opcodes in the matched run (the interpreter counts them toward `maxOpcodes`). */
  ops = 0;
  private charged = 0;
  private puts = 0;
  private readonly putIndex = new Float64Array(MAX_PUTS);
  private readonly putKind = new Uint8Array(MAX_PUTS);
  private readonly putText: Array<string | undefined> = new Array(MAX_PUTS).fill(undefined);
  private readonly rebuildTensorV2 = new KnownGlobal("torch._utils._rebuild_tensor_v2");
  private readonly orderedDict = new KnownGlobal("collections.OrderedDict");

  constructor(bytes: Uint8Array, m: PickleMachine) {
    this.bytes = bytes;
    this.m = m;
  }

  /** Whether a value just pushed by BINGET is `_rebuild_tensor_v2`, the start of a run. */
  startsRun(value: PyValue | undefined): boolean {
    return this.rebuildTensorV2.is(value);
  }

  /**
   * Matches from `from` (just past the BINGET at `replayFrom`); the end offset and the tensor, or undefined.
   * `opsLeft` is what `maxOpcodes` still allows.
   */
  match(at: {
    from: number;
    replayFrom: number;
    opsLeft: number;
  }): { end: number; tensor: TensorRef } | undefined {
    this.at = at.from;
    this.ops = 0;
    this.charged = 0;
    this.puts = 0;
    const tensor = this.run();
    if (tensor === undefined || this.ops > at.opsLeft || !this.fitsLimits()) return undefined;
    this.commit(at.replayFrom, tensor);
    return { end: this.at, tensor };
  }

  private run(): TensorRef | undefined {
    if (!this.expect(op.MARK) || !this.expect(op.MARK)) return undefined;
    const storage = this.storage();
    if (storage === undefined || !this.expect(op.BINPERSID)) return undefined;
    const offset = this.int();
    if (offset === NO_MATCH) return undefined;
    const shape = this.intTuple();
    if (shape === undefined) return undefined;
    const stride = this.intTuple();
    if (stride === undefined) return undefined;
    const flag = this.byte();
    if (flag !== op.NEWTRUE && flag !== op.NEWFALSE) return undefined;
    this.ops += 1;
    if (!this.orderedDict.is(this.get())) return undefined;
    if (!this.expect(op.EMPTY_TUPLE) || !this.expect(op.REDUCE)) return undefined;
    if (!this.put(PUT_DEFERRED, undefined) || !this.expect(op.TUPLE)) return undefined;
    if (!this.put(PUT_DEFERRED, undefined) || !this.expect(op.REDUCE)) return undefined;
    this.charged += 2 * 64 + 16 + 8 * 6 + 16 * 2 + 8 * (shape.length + stride.length);
    // One literal per tensor, not a spread of a parts object (a generic copy per tensor).
    const parts = {
      offset,
      requiresGrad: flag === op.NEWTRUE,
      dtype: undefined,
      extra: undefined,
      rebuild: "_rebuild_tensor_v2",
      layout: "strided",
    } as const;
    const tensor = stridedTensor(parts, { shape, stride, storage });
    return this.put(PUT_TENSOR, undefined) ? tensor : undefined;
  }

  /** `('storage', XStorage, key, location, numel)` up to and including its TUPLE (and BINPUT). */
  private storage(): StorageRef | undefined {
    if (this.string() !== "storage") return undefined;
    const type = this.get();
    if (!isTagged(type as PyValue) || (type as PyGlobal).kind !== "global") return undefined;
    const storageType = type as PyGlobal;
    if (!storageType.name.endsWith("Storage")) return undefined;
    const key = this.string();
    const location = this.string();
    if (key === undefined || location === undefined) return undefined;
    const numel = this.int();
    // Legacy (< 1.6) files add a sixth item, the view metadata: None.
    const view = this.expect(op.NONE) ? null : undefined;
    if (numel === NO_MATCH || !this.expect(op.TUPLE)) return undefined;
    this.charged += 16 + 8 * 5;
    if (!this.put(PUT_DEFERRED, undefined)) return undefined;
    return storageRef({ type: storageType, key, location, numel, view });
  }

  private byte(): number {
    return this.at < this.bytes.length ? (this.bytes[this.at++] as number) : NO_MATCH;
  }

  private expect(code: number): boolean {
    if (this.bytes[this.at] !== code) return false;
    this.at += 1;
    this.ops += 1;
    return true;
  }

  /** BINGET/LONG_BINGET of a slot this run has not written: the memo value (undefined if none). */
  private get(): PyValue | DeferredRun | undefined {
    const code = this.bytes[this.at];
    const wide = code === op.LONG_BINGET;
    if (code !== op.BINGET && !wide) return undefined;
    const end = this.at + (wide ? 5 : 2);
    if (end > this.bytes.length) return undefined;
    const index = wide ? readU32(this.bytes, this.at + 1) : (this.bytes[this.at + 1] as number);
    for (let i = 0; i < this.puts; i++) if (this.putIndex[i] === index) return undefined;
    this.at = end;
    this.ops += 1;
    return this.m.memoPeek(index);
  }

  /** A short ASCII BINUNICODE/SHORT_BINUNICODE (and its BINPUT), or a BINGET of a string. */
  private string(): string | undefined {
    const code = this.bytes[this.at];
    if (code === op.BINGET || code === op.LONG_BINGET) {
      const value = this.get();
      return typeof value === "string" ? value : undefined;
    }
    const prefix = code === op.SHORT_BINUNICODE ? 1 : code === op.BINUNICODE ? 4 : 0;
    if (prefix === 0 || this.at + 1 + prefix > this.bytes.length) return undefined;
    const length = prefix === 1 ? (this.bytes[this.at + 1] as number) : readU32(this.bytes, this.at + 1);
    const begin = this.at + 1 + prefix;
    if (length > 64 || begin + length > this.bytes.length) return undefined;
    const text =
      decimalText(this.bytes, begin, begin + length) ?? internedAscii(this.bytes, begin, begin + length);
    if (text === undefined) return undefined;
    this.at = begin + length;
    this.ops += 1;
    this.charged += 16 + 2 * length;
    return this.put(PUT_STRING, text) ? text : undefined;
  }

  /** BININT1/BININT2/BININT; NO_MATCH for anything else (LONG1 and text ints go the ordinary way). */
  private int(): number {
    const b = this.bytes;
    const code = b[this.at];
    const size = code === op.BININT1 ? 1 : code === op.BININT2 ? 2 : code === op.BININT ? 4 : 0;
    if (size === 0 || this.at + 1 + size > b.length) return NO_MATCH;
    const at = this.at + 1;
    const value =
      size === 1
        ? (b[at] as number)
        : size === 2
          ? (b[at] as number) | ((b[at + 1] as number) << 8)
          : readI32(this.bytes, at);
    this.at = at + size;
    this.ops += 1;
    this.charged += 16;
    return value;
  }

  /** `()`, 1–3 ints + TUPLE1/2/3, or MARK ints TUPLE (and its BINPUT): the ints, or undefined. */
  private intTuple(): number[] | undefined {
    if (this.expect(op.EMPTY_TUPLE)) return this.put(PUT_DEFERRED, undefined) ? [] : undefined;
    const marked = this.expect(op.MARK);
    const dims: number[] = [];
    for (;;) {
      const code = this.bytes[this.at];
      if (code !== op.BININT1 && code !== op.BININT2 && code !== op.BININT) break;
      if (dims.length >= MAX_DIMS) return undefined;
      dims.push(this.int());
    }
    const closed = marked
      ? this.expect(op.TUPLE)
      : dims.length >= 1 && dims.length <= 3 && this.expect(op.TUPLE1 + dims.length - 1);
    if (!closed) return undefined;
    this.charged += 16 + 8 * dims.length;
    return this.put(PUT_DEFERRED, undefined) ? dims : undefined;
  }

  /** The optional BINPUT/LONG_BINPUT after a value; false when this run cannot keep track of it. */
  private put(kind: number, text: string | undefined): boolean {
    const code = this.bytes[this.at];
    const wide = code === op.LONG_BINPUT;
    if (code !== op.BINPUT && !wide) return true;
    const end = this.at + (wide ? 5 : 2);
    if (end > this.bytes.length || this.puts >= MAX_PUTS) return false;
    this.putIndex[this.puts] = wide ? readU32(this.bytes, this.at + 1) : (this.bytes[this.at + 1] as number);
    this.putKind[this.puts] = kind;
    this.putText[this.puts] = text;
    this.puts += 1;
    this.at = end;
    this.ops += 1;
    return true;
  }

  /** The ordinary interpreter would stay within every limit here (else it runs the bytes and reports which). */
  private fitsLimits(): boolean {
    const m = this.m;
    const limits = m.limits;
    return (
      m.stack.length + 16 <= limits.maxStackItems &&
      m.markBases.length + 2 <= limits.maxMarkDepth &&
      m.memoSize + this.puts <= limits.maxMemoEntries &&
      m.totalBytes + 2 * (this.charged + 8 * this.ops) <= limits.maxTotalBytes &&
      limits.maxContainerLength >= MAX_DIMS &&
      limits.maxStringBytes >= 64
    );
  }

  private commit(start: number, tensor: TensorRef): void {
    const m = this.m;
    m.charge(this.charged + 8 * this.ops);
    const storage = tensor.storage;
    if (m.onStorage !== undefined && storage?.kind === "storage") m.onStorage(storage);
    let deferred: DeferredRun | undefined;
    // Written before the run is recorded: a slot written twice builds the runs recorded so far, not this one.
    for (let i = 0; i < this.puts; i++) {
      const kind = this.putKind[i];
      const index = this.putIndex[i] as number;
      if (kind === PUT_TENSOR) m.memoPut(index, tensor);
      else if (kind === PUT_STRING) m.memoPut(index, this.putText[i] as string);
      else {
        deferred ??= new DeferredRun(start, this.at);
        m.memoPut(index, deferred);
      }
    }
    if (deferred !== undefined) m.deferRun(deferred);
  }
}
