import { fail, ok, type Result } from "../../result.ts";
import { type PickleError, pickleError } from "./pickle-error.ts";
import { defaultPickleLimits, type PickleLimits } from "./pickle-limits.ts";
import { type GlobalRef, PickleFailure, PickleMachine, type PickleNote } from "./pickle-machine.ts";
import { pickleOpcodes } from "./pickle-opcodes.ts";
import { opHandlers } from "./pickle-ops.ts";
import { OpcodeReader } from "./pickle-reader.ts";
import type { PyValue } from "./py-value.ts";
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
    limits: { ...defaultPickleLimits, ...options.limits },
    persistentLoad: options.persistentLoad ?? torchPersistentLoad,
    reconstruct: options.reconstruct ?? true,
    startOffset,
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
  let offset = startOffset;
  let count = 0;
  const reader = new OpcodeReader(bytes, m.limits.maxStringBytes);
  for (;;) {
    const op = reader.read(offset);
    if ("code" in op) return fail(op);
    m.op = op;
    count += 1;
    if (count > m.limits.maxOpcodes)
      m.fail("limit-exceeded", `more than ${m.limits.maxOpcodes} opcodes`, "maxOpcodes");
    m.charge(8);
    offset = op.next;
    if (op.info.name === "STOP") {
      const value = m.pop();
      if (m.stack.length > 0 || m.markBases.length > 0) {
        m.note("stack-not-empty-at-stop", `${m.stack.length} values and ${m.markBases.length} marks left`);
      }
      return ok({
        value,
        startOffset,
        endOffset: offset,
        trailingBytes: bytes.length - offset,
        protocol: m.protocol,
        opcodeCount: count,
        globals: m.globals,
        notes: m.notes,
      });
    }
    (handlerByCode[op.info.code] as Handler)(m, op.arg);
  }
}
