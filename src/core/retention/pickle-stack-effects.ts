// What each opcode torch.save's protocol-2 pickler writes does to the unpickler's stack (pickletools'
// stack_before/stack_after, reduced to counts). Opcodes missing here are refused by the optimizer strip: torch
// never writes them at protocol 2, and an opcode we do not model could move a memo index or a top-level item.
import type { PickleOpName } from "../formats/pickle/pickle-opcodes.ts";

/** `pops`: items taken off (or everything down to the topmost MARK, which is taken too); `pushes`: 0 or 1. */
export type StackEffect = { readonly pops: number | "mark"; readonly pushes: 0 | 1 };

const push: StackEffect = { pops: 0, pushes: 1 };
const none: StackEffect = { pops: 0, pushes: 0 };

export const STACK_EFFECTS: Partial<Record<PickleOpName, StackEffect>> = {
  PROTO: none,
  STOP: none,
  PUT: none,
  BINPUT: none,
  LONG_BINPUT: none,
  MARK: push,
  FLOAT: push,
  INT: push,
  BININT: push,
  BININT1: push,
  BININT2: push,
  LONG: push,
  LONG1: push,
  LONG4: push,
  NONE: push,
  NEWTRUE: push,
  NEWFALSE: push,
  BINFLOAT: push,
  STRING: push,
  BINSTRING: push,
  SHORT_BINSTRING: push,
  UNICODE: push,
  BINUNICODE: push,
  GLOBAL: push,
  GET: push,
  BINGET: push,
  LONG_BINGET: push,
  EMPTY_DICT: push,
  EMPTY_LIST: push,
  EMPTY_TUPLE: push,
  BINPERSID: { pops: 1, pushes: 1 },
  REDUCE: { pops: 2, pushes: 1 },
  NEWOBJ: { pops: 2, pushes: 1 },
  TUPLE1: { pops: 1, pushes: 1 },
  TUPLE2: { pops: 2, pushes: 1 },
  TUPLE3: { pops: 3, pushes: 1 },
  TUPLE: { pops: "mark", pushes: 1 },
  LIST: { pops: "mark", pushes: 1 },
  DICT: { pops: "mark", pushes: 1 },
  APPEND: { pops: 1, pushes: 0 },
  BUILD: { pops: 1, pushes: 0 },
  SETITEM: { pops: 2, pushes: 0 },
  APPENDS: { pops: "mark", pushes: 0 },
  SETITEMS: { pops: "mark", pushes: 0 },
};

export const MEMO_PUTS: ReadonlySet<PickleOpName> = new Set(["PUT", "BINPUT", "LONG_BINPUT"]);
export const MEMO_GETS: ReadonlySet<PickleOpName> = new Set(["GET", "BINGET", "LONG_BINGET"]);
