import type { PickleOpName } from "../formats/pickle/pickle-opcodes.ts";
import type { DecodedOp } from "../formats/pickle/pickle-reader.ts";
import type { PickleStackModel } from "./pickle-stack-model.ts";

/** What one opcode does to the modelled stack. */
type StackOp = (m: PickleStackModel, op: DecodedOp) => void;

const pushOther: StackOp = (m) => m.pushOther();
const pushLiteral: StackOp = (m, op) => m.pushLiteral(op.arg);
const nothing: StackOp = () => {};
const memoIndex = (op: DecodedOp) => Number(op.arg);
const pair = (op: DecodedOp) => op.arg as readonly [string, string];

const reduce: StackOp = (m) => {
  const args = m.pop();
  m.call(m.pop(), args, true);
};
const newobj: StackOp = (m) => {
  const args = m.pop();
  m.call(m.pop(), args, false);
};
const newobjEx: StackOp = (m) => {
  m.consume(m.pop());
  const args = m.pop();
  m.call(m.pop(), args, false);
};
/** LIST, DICT, FROZENSET: the values since MARK become one new container. */
const collect: StackOp = (m) => {
  m.consumeAll(m.popMark());
  m.pushOther();
};

/** Every opcode, as pickle-ops.ts has them for the interpreter; a missing entry is a type error. */
export const stackOps: Record<PickleOpName, StackOp> = {
  PROTO: nothing,
  FRAME: nothing,
  STOP: (m) => m.stop(),
  MARK: (m) => m.mark(),
  POP: (m) => m.popOne(),
  POP_MARK: (m) => void m.popMark(),
  DUP: (m) => m.push(m.top()),
  NONE: (m) => m.pushNone(),
  NEWTRUE: pushOther,
  NEWFALSE: pushOther,
  INT: pushOther,
  LONG: pushOther,
  BININT: pushOther,
  BININT1: pushOther,
  BININT2: pushOther,
  LONG1: pushOther,
  LONG4: pushOther,
  FLOAT: pushOther,
  BINFLOAT: pushOther,
  STRING: pushLiteral,
  BINSTRING: pushLiteral,
  SHORT_BINSTRING: pushLiteral,
  UNICODE: pushLiteral,
  BINUNICODE: pushLiteral,
  SHORT_BINUNICODE: pushLiteral,
  BINUNICODE8: pushLiteral,
  BINBYTES: pushOther,
  SHORT_BINBYTES: pushOther,
  BINBYTES8: pushOther,
  BYTEARRAY8: pushOther,
  NEXT_BUFFER: pushOther,
  READONLY_BUFFER: nothing,
  EMPTY_TUPLE: (m) => m.pushTuple([]),
  TUPLE: (m) => m.pushTuple(m.popMark()),
  TUPLE1: (m) => m.pushTuple(m.popN(1)),
  TUPLE2: (m) => m.pushTuple(m.popN(2)),
  TUPLE3: (m) => m.pushTuple(m.popN(3)),
  EMPTY_LIST: pushOther,
  LIST: collect,
  APPEND: (m) => m.consume(m.pop()),
  APPENDS: (m) => m.consumeAll(m.popMark()),
  EMPTY_DICT: pushOther,
  DICT: collect,
  SETITEM: (m) => m.consumeAll(m.popN(2)),
  SETITEMS: (m) => m.consumeAll(m.popMark()),
  EMPTY_SET: pushOther,
  ADDITEMS: (m) => m.consumeAll(m.popMark()),
  FROZENSET: collect,
  PUT: (m, op) => m.memoPut(memoIndex(op)),
  BINPUT: (m, op) => m.memoPut(memoIndex(op)),
  LONG_BINPUT: (m, op) => m.memoPut(memoIndex(op)),
  MEMOIZE: (m) => m.memoize(),
  GET: (m, op) => m.memoGet(memoIndex(op)),
  BINGET: (m, op) => m.memoGet(memoIndex(op)),
  LONG_BINGET: (m, op) => m.memoGet(memoIndex(op)),
  GLOBAL: (m, op) => m.pushGlobal(pair(op), true),
  STACK_GLOBAL: (m) => m.stackGlobal(),
  INST: (m, op) => m.inst(pair(op)),
  OBJ: (m) => m.obj(),
  NEWOBJ: newobj,
  NEWOBJ_EX: newobjEx,
  REDUCE: reduce,
  BUILD: (m) => m.build(),
  PERSID: pushOther,
  BINPERSID: (m) => {
    m.consume(m.pop());
    m.pushOther();
  },
  EXT1: pushOther,
  EXT2: pushOther,
  EXT4: pushOther,
};
