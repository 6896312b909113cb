import { assertNever } from "../assert-never.ts";
import { canonicalName } from "../formats/pickle/global-names.ts";
import { pyStringRepr } from "../formats/pickle/py-str.ts";
import { enumClasses } from "./framework-globals.ts";

/**
 * What the static scan tracks of one stack value: just enough to resolve STACK_GLOBAL operands and to judge each
 * call of `builtins.getattr`. Strings are string literals; everything the rules do not need is OTHER.
 */
export type Sym = string | SymGlobal | SymTuple | SymCall | SymEnumMember | SymConstant;

interface SymGlobal {
  readonly kind: "global";
  /** `module.name` as written (`__builtin__.getattr`). */
  readonly text: string;
  readonly getattr: boolean;
  readonly enumClass: boolean;
}
/** Tuples of at most three items keep them (the enum form needs two); longer ones are OTHER. */
interface SymTuple {
  readonly kind: "tuple";
  readonly items: readonly Sym[];
}
interface SymCall {
  readonly kind: "call";
  readonly callable: Sym;
}
/** The value of `getattr(<allow-listed enum class>, '<NAME>')`: an enum member, a value. */
interface SymEnumMember {
  readonly kind: "enum-member";
  readonly text: string;
}
interface SymConstant {
  readonly kind: "other" | "none";
}

const OTHER: SymConstant = { kind: "other" };
const NONE: SymConstant = { kind: "none" };
const MEMBER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export const callSiteFindingKinds = ["getattr-call", "enum-member-call", "getattr-as-value"] as const;
export type CallSiteFindingKind = (typeof callSiteFindingKinds)[number];

/** A GLOBAL/INST/STACK_GLOBAL as resolved on the modelled stack; `literal` false when operands were not strings. */
export interface ResolvedGlobal {
  readonly module: string;
  readonly name: string;
  readonly literal: boolean;
}

/** What the model tells the scan: each global named, and each call site the getattr rule rejects. */
export interface StackModelListener {
  readonly global: (resolved: ResolvedGlobal) => void;
  readonly callSite: (kind: CallSiteFindingKind, detail: string) => void;
}

/** `builtins.getattr` under any spelling (`__builtin__` in protocol ≤ 2). */
export function isGetattrGlobal(module: string, name: string): boolean {
  return canonicalName(module, name) === "builtins.getattr";
}

function describe(sym: Sym, depth = 0): string {
  if (typeof sym === "string") return pyStringRepr(sym.length > 60 ? `${sym.slice(0, 60)}…` : sym);
  if (depth > 3) return "…";
  switch (sym.kind) {
    case "global":
    case "enum-member":
      return sym.text;
    case "tuple":
      return `(${sym.items.map((item) => describe(item, depth + 1)).join(", ")})`;
    case "call":
      return `${describe(sym.callable, depth + 1)}(…)`;
    case "none":
      return "None";
    case "other":
      return "…";
    default:
      return assertNever(sym);
  }
}

function getattrCall(args: Sym): string {
  if (typeof args !== "string" && args.kind === "tuple")
    return `getattr(${args.items.map((item) => describe(item)).join(", ")})`;
  return `getattr(*${describe(args)})`;
}

/**
 * The pickle machine's stack, marks and memo over symbolic values, driven opcode by opcode by pickle-stack-ops.ts:
 * it never builds objects and never calls anything. Unbalanced input (pops of an empty stack) yields OTHER rather
 * than an error, so a hostile stream cannot stop the scan.
 */
export class PickleStackModel {
  private stack: Sym[] = [];
  private marks: number[] = [];
  private memo = new Map<number, Sym>();
  private readonly report: StackModelListener["callSite"];
  private readonly named: StackModelListener["global"];

  constructor(listener: StackModelListener) {
    this.report = listener.callSite;
    this.named = listener.global;
  }

  reset(): void {
    this.stack = [];
    this.marks = [];
    this.memo = new Map();
  }

  push(sym: Sym): void {
    this.stack.push(sym);
  }

  /** A string opcode's argument (a literal); anything else the rules do not need. */
  pushLiteral(arg: unknown): void {
    this.stack.push(typeof arg === "string" ? arg : OTHER);
  }

  pushOther(): void {
    this.stack.push(OTHER);
  }

  pushNone(): void {
    this.stack.push(NONE);
  }

  mark(): void {
    this.marks.push(this.stack.length);
  }

  memoPut(index: number): void {
    this.memo.set(index, this.top());
  }

  memoize(): void {
    this.memo.set(this.memo.size, this.top());
  }

  memoGet(index: number): void {
    this.stack.push(this.memo.get(index) ?? OTHER);
  }

  /** STOP: the result is returned to the loader, then the next pickle starts afresh. */
  stop(): void {
    this.consume(this.pop());
    this.reset();
  }

  /** The one place a callable meets its arguments: getattr is judged here, at the call site. */
  call(callable: Sym, args: Sym, reduce: boolean): void {
    this.consume(args);
    if (typeof callable !== "string" && callable.kind === "global" && callable.getattr) {
      if (reduce && this.isEnumLookup(args)) {
        this.stack.push({ kind: "enum-member", text: getattrCall(args) });
        return;
      }
      this.report("getattr-call", getattrCall(args));
    } else if (typeof callable !== "string" && callable.kind === "enum-member") {
      this.report("enum-member-call", `${callable.text}(…)`);
    }
    this.stack.push({ kind: "call", callable });
  }

  private isEnumLookup(args: Sym): boolean {
    if (typeof args === "string" || args.kind !== "tuple" || args.items.length !== 2) return false;
    const [target, member] = args.items;
    const isEnumClass = typeof target === "object" && target.kind === "global" && target.enumClass;
    return isEnumClass && typeof member === "string" && MEMBER_NAME.test(member);
  }

  build(): void {
    this.consume(this.pop());
    const target = this.top();
    if (typeof target !== "string" && target.kind === "enum-member")
      this.report("enum-member-call", `${target.text}.__setstate__(…)`);
    else this.consume(target);
  }

  pushGlobal(pair: readonly [string, string], literal: boolean): void {
    const [module, name] = pair;
    const canonical = canonicalName(module, name);
    this.stack.push({
      kind: "global",
      text: `${module}.${name}`,
      getattr: canonical === "builtins.getattr",
      enumClass: enumClasses.has(canonical),
    });
    this.named({ module, name, literal });
  }

  /** STACK_GLOBAL: module and name must be string literals; anything computed is obfuscation. */
  stackGlobal(): void {
    const name = this.pop();
    const module = this.pop();
    if (typeof module === "string" && typeof name === "string") {
      this.pushGlobal([module, name], true);
      return;
    }
    this.consumeAll([module, name]);
    this.stack.push(OTHER);
    this.named({
      module: typeof module === "string" ? module : "unknown",
      name: typeof name === "string" ? name : "unknown",
      literal: false,
    });
  }

  /** INST: the class named inline, called with the values since MARK. */
  inst(pair: readonly [string, string]): void {
    const args = this.popMark();
    this.pushGlobal(pair, true);
    this.callWithItems(this.pop(), args);
  }

  /** OBJ: MARK, the class, its arguments. */
  obj(): void {
    const [cls = OTHER, ...args] = this.popMark();
    this.callWithItems(cls, args);
  }

  private callWithItems(callable: Sym, args: Sym[]): void {
    this.consumeAll(args);
    this.call(callable, { kind: "tuple", items: args.length <= 3 ? args : [] }, false);
  }

  /** TUPLE*: the items become a tuple (used as data); only short tuples are kept, as the enum form needs. */
  pushTuple(items: Sym[]): void {
    this.consumeAll(items);
    this.stack.push(items.length <= 3 ? { kind: "tuple", items } : OTHER);
  }

  /** A value used as data (stored, passed, returned): getattr itself must never be one. */
  consume(sym: Sym): void {
    if (typeof sym !== "string" && sym.kind === "global" && sym.getattr)
      this.report("getattr-as-value", sym.text);
  }

  consumeAll(syms: readonly Sym[]): void {
    for (const sym of syms) this.consume(sym);
  }

  private base(): number {
    return this.marks[this.marks.length - 1] ?? 0;
  }

  top(): Sym {
    return this.stack.length > this.base() ? (this.stack[this.stack.length - 1] ?? OTHER) : OTHER;
  }

  pop(): Sym {
    return this.stack.length > this.base() ? (this.stack.pop() ?? OTHER) : OTHER;
  }

  /** POP drops the top value, or the topmost mark when nothing is above it. */
  popOne(): void {
    if (this.stack.length > this.base()) this.stack.pop();
    else this.popMark();
  }

  popN(count: number): Sym[] {
    const items: Sym[] = [];
    for (let i = 0; i < count; i++) items.unshift(this.pop());
    return items;
  }

  popMark(): Sym[] {
    const base = this.marks.pop() ?? 0;
    return this.stack.splice(base);
  }
}
