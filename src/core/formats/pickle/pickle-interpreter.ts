import { readI32, readU16 } from "../../bytes/little-endian.ts";
import { fail, ok, type Result } from "../../result.ts";
import type { DeferredRun } from "./deferred-run.ts";
import { type PickleError, pickleError } from "./pickle-error.ts";
import { defaultPickleLimits, type PickleLimits } from "./pickle-limits.ts";
import { type GlobalRef, PickleFailure, PickleMachine, type PickleNote } from "./pickle-machine.ts";
import { pickleOpcodes } from "./pickle-opcodes.ts";
import { opHandlers } from "./pickle-ops.ts";
import { OpcodeReader } from "./pickle-reader.ts";
import { decodeLongAt } from "./pickle-text.ts";
import type { PyValue, StorageRef } from "./py-value.ts";
import { TensorRunMatcher } from "./tensor-run.ts";
import { torchPersistentLoad } from "./torch-reconstructors.ts";

export interface InterpretPickleOptions {
  /** Where the pickle starts in `bytes` (legacy torch files hold several pickles back to back). @default 0 */
  readonly offset?: number;
  /** Overrides for single limits; the rest keep `defaultPickleLimits`. */
  readonly limits?: Partial<PickleLimits>;
  /**
   * Resolves PERSID/BINPERSID ids. Called with the id value (a tuple for BINPERSID, a string for PERSID).
   * @default torchPersistentLoad — `('storage', …)` tuples become StorageRef, anything else PersistentRef
   */
  readonly persistentLoad?: (pid: PyValue) => PyValue;
  /** Told of every torch storage a persistent id names (legacy files find their storages' types this way). */
  readonly onStorage?: (storage: StorageRef) => void;
  /** Apply known reconstructors (OrderedDict, tensors, numpy …). False gives the raw object model. @default true */
  readonly reconstruct?: boolean;
}

export interface PickleInterpretation {
  readonly value: PyValue;
  readonly startOffset: number;
  /** Offset just past STOP: where a following pickle (or trailing data) starts. */
  readonly endOffset: number;
  /** Bytes after STOP (`bytes.length - endOffset`). */
  readonly trailingBytes: number;
  /** The PROTO argument, undefined for protocol 0/1 pickles. */
  readonly protocol: number | undefined;
  readonly opcodeCount: number;
  /** Tensors read by the fast path (tensor-run.ts) rather than opcode by opcode. */
  readonly tensorRuns: number;
  /** Every GLOBAL/STACK_GLOBAL/INST executed, in order, with raw (un-normalised) names. */
  readonly globals: readonly GlobalRef[];
  readonly notes: readonly PickleNote[];
}

/**
 * Interprets one pickle starting at `options.offset`, never executing it. Never throws: malformed input,
 * limit breaches and internal faults all come back as `{ success: false, error }`.
 */
export function interpretPickle(
  bytes: Uint8Array,
  options: InterpretPickleOptions = {},
): Result<PickleInterpretation, PickleError> {
  const startOffset = options.offset ?? 0;
  const machine = new PickleMachine({
    limits:
      options.limits === undefined ? defaultPickleLimits : { ...defaultPickleLimits, ...options.limits },
    persistentLoad: options.persistentLoad ?? torchPersistentLoad,
    reconstruct: options.reconstruct ?? true,
    startOffset,
    onStorage: options.onStorage,
  });
  try {
    return run(bytes, machine, startOffset);
  } catch (cause) {
    if (cause instanceof PickleFailure) return fail(cause.error);
    const what = cause instanceof RangeError ? "value graph too deep for this reader" : String(cause);
    const code = cause instanceof RangeError ? "limit-exceeded" : "internal";
    return fail(pickleError({ code, what, offset: machine.op?.offset ?? startOffset }));
  }
}

type Handler = (typeof opHandlers)[keyof typeof opHandlers];

/** Opcode byte → handler: an array index per opcode instead of a property lookup by name. */
const handlerByCode: ReadonlyArray<Handler | undefined> = (() => {
  const table: Array<Handler | undefined> = new Array(256).fill(undefined);
  for (const [name, handler] of Object.entries(opHandlers)) {
    table[pickleOpcodes[name as keyof typeof opHandlers][0]] = handler;
  }
  return table;
})();

const STOP = pickleOpcodes.STOP[0];
const BINGET = pickleOpcodes.BINGET[0];
const LONG_BINGET = pickleOpcodes.LONG_BINGET[0];
const BININT = pickleOpcodes.BININT[0];
const BININT1 = pickleOpcodes.BININT1[0];
const BININT2 = pickleOpcodes.BININT2[0];
const LONG1 = pickleOpcodes.LONG1[0];
/** The integer opcodes `intRun` takes in a row. */
const isIntOp = new Uint8Array(256);
for (const code of [BININT, BININT1, BININT2, LONG1]) isIntOp[code] = 1;
/** What a pushed int costs the machine: 8 per opcode (the loop) and 16 per int (`pushInt`). */
const INT_CHARGE = 8 + 16;

/**
 * Where the integer opcode at `offset` ends, or -1 when it is not one `intRun` takes: another opcode, an argument
 * past the data, or a LONG1 over 6 bytes (a bigint, charged by its size) or over `maxStringBytes`.
 */
function intOpEnd(bytes: Uint8Array, offset: number, maxStringBytes: number): number {
  const code = bytes[offset] as number;
  if (isIntOp[code] !== 1) return -1;
  const end =
    code === BININT
      ? offset + 5
      : code === BININT1
        ? offset + 2
        : code === BININT2
          ? offset + 3
          : offset + 2 + (bytes[offset + 1] ?? 255);
  if (end > bytes.length) return -1;
  if (code !== LONG1) return end;
  const length = end - offset - 2;
  return length > 6 || length > maxStringBytes ? -1 : end;
}

/**
 * Opcodes from `offset` until STOP (or, when replaying a deferred tensor run, until `until`). A BINGET of
 * `_rebuild_tensor_v2` first offers the bytes after it to the tensor fast path (tensor-run.ts).
 */
class OpLoop {
  count = 0;
  /** Opcodes executed again to build deferred values: they count toward `maxOpcodes`, not `opcodeCount`. */
  replayed = 0;
  tensorRuns = 0;
  private readonly m: PickleMachine;
  private readonly bytes: Uint8Array;
  private readonly reader: OpcodeReader;
  private readonly fast: boolean;
  // Made at the first BINGET: a legacy file's header pickles (and many small ones) never have one, and the
  // matcher's tables were most of interpreting such a pickle.
  private tensors: TensorRunMatcher | undefined;

  constructor(bytes: Uint8Array, m: PickleMachine, fast: boolean) {
    this.m = m;
    this.bytes = bytes;
    this.fast = fast;
    this.reader = new OpcodeReader(bytes, m.limits.maxStringBytes);
    if (fast) m.replay = (run) => this.replay(run);
  }

  /** Runs to STOP (returns the offset just past it) or to `until`; an error value if decoding fails. */
  run(from: number, until = -1): number | PickleError {
    const m = this.m;
    let offset = from;
    for (;;) {
      if (offset === until) return offset;
      const op = this.reader.read(offset);
      if ("code" in op) return op;
      m.op = op;
      this.count += 1;
      if (this.count > m.limits.maxOpcodes)
        m.fail("limit-exceeded", `more than ${m.limits.maxOpcodes} opcodes`, "maxOpcodes");
      m.charge(8);
      offset = op.next;
      const code = op.info.code;
      if (code === STOP) return offset;
      (handlerByCode[code] as Handler)(m, op.arg);
      if ((code === BINGET || code === LONG_BINGET) && !m.replaying && this.fast)
        offset = this.tensorRun(offset);
      else if (isIntOp[code] === 1) offset = this.intRun(offset, until);
    }
  }

  /**
   * The integers that follow an integer opcode (a Python RNG state is 625 in a row, a third of an optimizer
   * checkpoint's opcodes), pushed in one loop with the same count, charge and stack push as the ordinary path,
   * without decoding each into the shared op and dispatching it. An opcode that would reach a limit, run past the
   * data or need a bigint stops the loop and goes the ordinary way, which reports it exactly as before.
   */
  private intRun(from: number, until: number): number {
    const { m, bytes } = this;
    const { stack, limits } = m;
    let offset = from;
    while (
      offset !== until &&
      this.count < limits.maxOpcodes &&
      stack.length < limits.maxStackItems &&
      m.totalBytes + INT_CHARGE <= limits.maxTotalBytes
    ) {
      const next = intOpEnd(bytes, offset, limits.maxStringBytes);
      if (next < 0) break;
      const code = bytes[offset];
      this.count += 1;
      m.totalBytes += INT_CHARGE;
      stack.push(
        code === BININT
          ? readI32(bytes, offset + 1)
          : code === BININT1
            ? (bytes[offset + 1] as number)
            : code === BININT2
              ? readU16(bytes, offset + 1)
              : (decodeLongAt(bytes, offset + 2, next) as number),
      );
      offset = next;
    }
    return offset;
  }
  /** After a BINGET: if it pushed `_rebuild_tensor_v2` and a tensor run follows, the tensor replaces both. */
  private tensorRun(offset: number): number {
    const m = this.m;
    this.tensors ??= new TensorRunMatcher(this.bytes, m);
    const tensors = this.tensors;
    if (!tensors.startsRun(m.stack[m.stack.length - 1])) return offset;
    const matched = tensors.match({
      from: offset,
      replayFrom: m.op?.offset ?? offset,
      opsLeft: m.limits.maxOpcodes - this.count,
    });
    if (matched === undefined) return offset;
    this.count += tensors.ops;
    this.tensorRuns += 1;
    m.stack[m.stack.length - 1] = matched.tensor;
    return matched.end;
  }

  /**
   * Builds a deferred run's memo values: its bytes again (from the BINGET of `_rebuild_tensor_v2`), through the
   * handlers, on top of the current stack, which is then put back as it was.
   */
  private replay(run: DeferredRun): void {
    if (run.built) return;
    run.built = true;
    const m = this.m;
    const { stack, markBases } = m;
    const depth = stack.length;
    const marks = markBases.length;
    const op = m.op;
    // A replay inside a replay (not something torch writes) leaves the outer one in charge of the flag and count.
    const outer = m.replaying;
    m.replaying = true;
    const before = this.count;
    try {
      const end = this.run(run.start, run.end);
      if (typeof end !== "number") throw new PickleFailure(end);
    } finally {
      m.replaying = outer;
      m.op = op;
      if (!outer) this.replayed += this.count - before;
    }
    stack.length = depth;
    markBases.length = marks;
  }
}

function run(
  bytes: Uint8Array,
  m: PickleMachine,
  startOffset: number,
): Result<PickleInterpretation, PickleError> {
  if (startOffset < 0 || startOffset > bytes.length) {
    return fail(
      pickleError({ code: "bad-argument", what: "start offset is outside the data", offset: startOffset }),
    );
  }
  const fast = m.reconstruct && m.persistentLoad === torchPersistentLoad;
  const loop = new OpLoop(bytes, m, fast);
  const end = loop.run(startOffset);
  if (typeof end !== "number") return fail(end);
  const value = m.pop();
  if (m.stack.length > 0 || m.markBases.length > 0) {
    m.note("stack-not-empty-at-stop", `${m.stack.length} values and ${m.markBases.length} marks left`);
  }
  return ok({
    value,
    startOffset,
    endOffset: end,
    trailingBytes: bytes.length - end,
    protocol: m.protocol,
    opcodeCount: loop.count - loop.replayed,
    tensorRuns: loop.tensorRuns,
    globals: m.globals,
    notes: m.notes,
  });
}
