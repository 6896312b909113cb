import { DeferredRun } from "./deferred-run.ts";
import { type PickleError, type PickleErrorCode, pickleError } from "./pickle-error.ts";
import type { PickleLimits } from "./pickle-limits.ts";
import type { DecodedOp } from "./pickle-reader.ts";
import { PyDict } from "./py-dict.ts";
import { addToSet, isTagged, type PyValue, type StorageRef } from "./py-value.ts";

/** Thrown inside the machine only; `interpretPickle` turns it into an error value. */
export class PickleFailure extends Error {
  readonly error: PickleError;
  constructor(error: PickleError) {
    super(error.message);
    this.error = error;
  }
}

/** A GLOBAL/STACK_GLOBAL/INST reference, raw names as written in the pickle. */
export interface GlobalRef {
  readonly module: string;
  readonly name: string;
  readonly offset: number;
  readonly opcode: "GLOBAL" | "STACK_GLOBAL" | "INST";
}

export const pickleNoteKinds = [
  "proto-not-first",
  "proto-repeated",
  "persistent-id-not-storage",
  "build-ignored",
  "stack-not-empty-at-stop",
] as const;

/** Something structural worth reporting that did not stop interpretation. */
export interface PickleNote {
  readonly kind: (typeof pickleNoteKinds)[number];
  readonly offset: number;
  readonly detail: string;
}

/** Beyond this a memo index is stored in a Map, so a hostile LONG_BINPUT cannot grow a huge array. */
const denseMemoLimit = 1 << 20;

/** Stack, marks and memo, with the bookkeeping the limits need. Opcode semantics live in pickle-ops.ts. */
export class PickleMachine {
  readonly stack: PyValue[] = [];
  readonly markBases: number[] = [];
  // The memo is a growable array (indices are small and dense in practice); a far index goes to a Map.
  private readonly memoDense: (PyValue | DeferredRun | undefined)[] = [];
  private memoFar: Map<number, PyValue | DeferredRun> | undefined;
  /**
   * Builds a deferred run's values by interpreting its bytes again (set by the interpreter). While it runs,
   * `replaying` is true and a memo write only fills slots that are still deferred, so the values the fast path
   * did build (the tensor) keep their identity.
   */
  replay: ((run: DeferredRun) => void) | undefined;
  replaying = false;
  /**
   * Runs with deferred slots, in order. A replay must see the memo as the run saw it, so before any slot is
   * written a second time (torch never does; a crafted pickle may) every deferred run is built.
   */
  private readonly deferredRuns: DeferredRun[] = [];
  /** Distinct memo indices stored (MEMOIZE's next index). */
  memoSize = 0;
  readonly globals: GlobalRef[] = [];
  readonly notes: PickleNote[] = [];
  protocol: number | undefined = undefined;
  totalBytes = 0;
  op: DecodedOp | undefined = undefined;
  readonly limits: PickleLimits;
  readonly persistentLoad: (pid: PyValue) => PyValue;
  readonly onStorage: ((storage: StorageRef) => void) | undefined;
  readonly reconstruct: boolean;
  readonly startOffset: number;

  constructor(options: {
    limits: PickleLimits;
    persistentLoad: (pid: PyValue) => PyValue;
    reconstruct: boolean;
    startOffset: number;
    onStorage: ((storage: StorageRef) => void) | undefined;
  }) {
    this.onStorage = options.onStorage;
    this.startOffset = options.startOffset;
    this.limits = options.limits;
    this.persistentLoad = options.persistentLoad;
    this.reconstruct = options.reconstruct;
  }

  fail(code: PickleErrorCode, what: string, limit?: string): never {
    const offset = this.op?.offset ?? 0;
    throw new PickleFailure(
      pickleError({ code, what, offset, opcode: this.op?.info.name ?? "", ...(limit ? { limit } : {}) }),
    );
  }

  charge(bytes: number): void {
    this.totalBytes += bytes;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      this.fail("limit-exceeded", `more than ${this.limits.maxTotalBytes} bytes allocated`, "maxTotalBytes");
    }
  }

  note(kind: PickleNote["kind"], detail: string): void {
    if (this.notes.length < 1000) this.notes.push({ kind, offset: this.op?.offset ?? 0, detail });
  }

  private base(): number {
    return this.markBases[this.markBases.length - 1] ?? 0;
  }

  push(value: PyValue): void {
    if (this.stack.length >= this.limits.maxStackItems) {
      this.fail("limit-exceeded", `more than ${this.limits.maxStackItems} stack items`, "maxStackItems");
    }
    this.stack.push(value);
  }

  pop(): PyValue {
    if (this.stack.length <= this.base())
      this.fail("stack-underflow", "needs a value but the stack is empty");
    return this.stack.pop() as PyValue;
  }

  top(): PyValue {
    if (this.stack.length <= this.base())
      this.fail("stack-underflow", "needs a value but the stack is empty");
    return this.stack[this.stack.length - 1] as PyValue;
  }

  hasItemsAboveMark(): boolean {
    return this.stack.length > this.base();
  }

  mark(): void {
    if (this.markBases.length >= this.limits.maxMarkDepth) {
      this.fail("limit-exceeded", `more than ${this.limits.maxMarkDepth} nested MARKs`, "maxMarkDepth");
    }
    this.markBases.push(this.stack.length);
  }

  popMark(): PyValue[] {
    const base = this.markBases.pop();
    if (base === undefined) this.fail("missing-mark", "needs a MARK but none is open");
    const stack = this.stack;
    const items = stack.slice(base);
    stack.length = base;
    this.checkLength(items.length);
    this.charge(8 * items.length);
    return items;
  }

  /**
   * SETITEMS: the items above the last MARK go into the dict below it, read off the stack in place (the copy
   * `popMark` makes was garbage straight away; a state dict sets up to 1,000 pairs per SETITEMS).
   */
  setItemsFromMark(): void {
    const base = this.markBases.pop();
    if (base === undefined) this.fail("missing-mark", "needs a MARK but none is open");
    const stack = this.stack;
    const count = stack.length - base;
    this.checkLength(count);
    this.charge(8 * count);
    // The same checks, in the same order, as popMark + top + setItems.
    if (base <= this.base()) this.fail("stack-underflow", "needs a value but the stack is empty");
    if (count % 2 !== 0) this.fail("bad-argument", "odd number of items for a dict");
    const dict = this.dictOf(stack[base - 1] as PyValue);
    this.checkLength(dict.size + count / 2);
    dict.setPairs(stack, { from: base, to: stack.length });
    stack.length = base;
  }

  checkLength(length: number): void {
    if (length > this.limits.maxContainerLength) {
      this.fail("limit-exceeded", `container of ${length} items`, "maxContainerLength");
    }
  }

  memoPut(index: number, value: PyValue | DeferredRun): void {
    // The next slot in order (what pickle writes: MEMOIZE and BINPUT count up): nothing to look up or replace.
    const dense = this.memoDense;
    if (index === dense.length && index < denseMemoLimit && !this.replaying) {
      dense.push(value);
      this.memoSize += 1;
      if (this.memoSize > this.limits.maxMemoEntries)
        this.fail("limit-exceeded", `more than ${this.limits.maxMemoEntries} memo entries`, "maxMemoEntries");
      return;
    }
    if (index < 0 || !Number.isSafeInteger(index))
      this.fail("bad-argument", `memo index ${index} is invalid`);
    const existing = this.memoPeek(index);
    if (this.replaying && !(existing instanceof DeferredRun)) return;
    if (existing !== undefined && !this.replaying) this.buildDeferredRuns();
    if (existing === undefined) this.memoSize += 1;
    if (index < denseMemoLimit) {
      while (dense.length < index) dense.push(undefined);
      dense[index] = value;
    } else {
      this.memoFar ??= new Map();
      this.memoFar.set(index, value);
    }
    if (this.memoSize > this.limits.maxMemoEntries) {
      this.fail("limit-exceeded", `more than ${this.limits.maxMemoEntries} memo entries`, "maxMemoEntries");
    }
  }

  /** Records a run whose slots hold `run` (tensor-run.ts). */
  deferRun(run: DeferredRun): void {
    this.deferredRuns.push(run);
  }

  private buildDeferredRuns(): void {
    const runs = this.deferredRuns;
    if (runs.length === 0 || this.replay === undefined) return;
    for (let i = 0; i < runs.length; i++) this.replay(runs[i] as DeferredRun);
    runs.length = 0;
  }

  memoGet(index: number): PyValue {
    let value = this.memoPeek(index);
    if (value instanceof DeferredRun && this.replay !== undefined) {
      this.replay(value);
      value = this.memoPeek(index);
    }
    if (value === undefined || value instanceof DeferredRun)
      this.fail("memo-missing", `memo entry ${index} was never stored`);
    return value;
  }

  /** The memo slot as stored (a deferred run included), undefined when empty; never fails. */
  memoPeek(index: number): PyValue | DeferredRun | undefined {
    // Bounds first: reading past an array's end takes the engine's slow path (MEMOIZE/BINPUT ask for a new index).
    if (index < this.memoDense.length) return this.memoDense[index];
    return index < denseMemoLimit ? undefined : this.memoFar?.get(index);
  }

  setItems(target: PyValue, pairs: readonly PyValue[]): void {
    if (pairs.length % 2 !== 0) this.fail("bad-argument", "odd number of items for a dict");
    const dict = this.dictOf(target);
    this.checkLength(dict.size + pairs.length / 2);
    for (let i = 0; i < pairs.length; i += 2) dict.set(pairs[i] ?? null, pairs[i + 1] ?? null);
  }

  private dictOf(target: PyValue): PyDict {
    if (target instanceof PyDict) return target;
    if (isTagged(target) && (target.kind === "object" || target.kind === "reduce")) {
      target.dictItems ??= new PyDict();
      return target.dictItems;
    }
    return this.fail("type-error", "SETITEM target is not a dict");
  }

  appendItems(target: PyValue, items: readonly PyValue[]): void {
    let list: PyValue[] | undefined;
    if (Array.isArray(target)) list = target;
    else if (isTagged(target) && (target.kind === "object" || target.kind === "reduce")) {
      target.listItems ??= [];
      list = target.listItems;
    } else if (isTagged(target) && target.kind === "set" && !target.frozen) {
      this.checkLength(target.items.length + items.length);
      for (const item of items) addToSet(target, item);
      return;
    }
    if (!list) this.fail("type-error", "APPEND target is not a list");
    this.checkLength(list.length + items.length);
    for (const item of items) list.push(item);
  }
}
