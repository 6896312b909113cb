// Every opcode of CPython's pickletools (protocols 0–5) with its argument encoding.

/** How an opcode's inline argument is encoded (pickletools' ArgumentDescriptor names). */
export type PickleArgType =
  | "none"
  | "uint1"
  | "uint2"
  | "int4"
  | "uint4"
  | "uint8"
  | "decimalnl_short"
  | "decimalnl_long"
  | "floatnl"
  | "float8"
  | "stringnl"
  | "stringnl_noescape"
  | "stringnl_noescape_pair"
  | "unicodestringnl"
  | "string1"
  | "string4"
  | "unicodestring1"
  | "unicodestring4"
  | "unicodestring8"
  | "bytes1"
  | "bytes4"
  | "bytes8"
  | "bytearray8"
  | "long1"
  | "long4";

export const pickleOpcodes = {
  MARK: [0x28, "none", 0],
  STOP: [0x2e, "none", 0],
  POP: [0x30, "none", 0],
  POP_MARK: [0x31, "none", 1],
  DUP: [0x32, "none", 0],
  FLOAT: [0x46, "floatnl", 0],
  INT: [0x49, "decimalnl_short", 0],
  BININT: [0x4a, "int4", 1],
  BININT1: [0x4b, "uint1", 1],
  LONG: [0x4c, "decimalnl_long", 0],
  BININT2: [0x4d, "uint2", 1],
  NONE: [0x4e, "none", 0],
  PERSID: [0x50, "stringnl_noescape", 0],
  BINPERSID: [0x51, "none", 1],
  REDUCE: [0x52, "none", 0],
  STRING: [0x53, "stringnl", 0],
  BINSTRING: [0x54, "string4", 1],
  SHORT_BINSTRING: [0x55, "string1", 1],
  UNICODE: [0x56, "unicodestringnl", 0],
  BINUNICODE: [0x58, "unicodestring4", 1],
  APPEND: [0x61, "none", 0],
  BUILD: [0x62, "none", 0],
  GLOBAL: [0x63, "stringnl_noescape_pair", 0],
  DICT: [0x64, "none", 0],
  APPENDS: [0x65, "none", 1],
  GET: [0x67, "decimalnl_short", 0],
  BINGET: [0x68, "uint1", 1],
  INST: [0x69, "stringnl_noescape_pair", 0],
  LONG_BINGET: [0x6a, "uint4", 1],
  LIST: [0x6c, "none", 0],
  OBJ: [0x6f, "none", 1],
  PUT: [0x70, "decimalnl_short", 0],
  BINPUT: [0x71, "uint1", 1],
  LONG_BINPUT: [0x72, "uint4", 1],
  SETITEM: [0x73, "none", 0],
  TUPLE: [0x74, "none", 0],
  SETITEMS: [0x75, "none", 1],
  EMPTY_DICT: [0x7d, "none", 1],
  EMPTY_LIST: [0x5d, "none", 1],
  EMPTY_TUPLE: [0x29, "none", 1],
  BINFLOAT: [0x47, "float8", 1],
  PROTO: [0x80, "uint1", 2],
  NEWOBJ: [0x81, "none", 2],
  EXT1: [0x82, "uint1", 2],
  EXT2: [0x83, "uint2", 2],
  EXT4: [0x84, "int4", 2],
  TUPLE1: [0x85, "none", 2],
  TUPLE2: [0x86, "none", 2],
  TUPLE3: [0x87, "none", 2],
  NEWTRUE: [0x88, "none", 2],
  NEWFALSE: [0x89, "none", 2],
  LONG1: [0x8a, "long1", 2],
  LONG4: [0x8b, "long4", 2],
  BINBYTES: [0x42, "bytes4", 3],
  SHORT_BINBYTES: [0x43, "bytes1", 3],
  SHORT_BINUNICODE: [0x8c, "unicodestring1", 4],
  BINUNICODE8: [0x8d, "unicodestring8", 4],
  BINBYTES8: [0x8e, "bytes8", 4],
  EMPTY_SET: [0x8f, "none", 4],
  ADDITEMS: [0x90, "none", 4],
  FROZENSET: [0x91, "none", 4],
  NEWOBJ_EX: [0x92, "none", 4],
  STACK_GLOBAL: [0x93, "none", 4],
  MEMOIZE: [0x94, "none", 4],
  FRAME: [0x95, "uint8", 4],
  BYTEARRAY8: [0x96, "bytearray8", 5],
  NEXT_BUFFER: [0x97, "none", 5],
  READONLY_BUFFER: [0x98, "none", 5],
} as const satisfies Record<string, readonly [number, PickleArgType, number]>;

export type PickleOpName = keyof typeof pickleOpcodes;

export interface PickleOpInfo {
  readonly name: PickleOpName;
  readonly code: number;
  readonly arg: PickleArgType;
  /** The protocol that introduced it. */
  readonly proto: number;
}

/** Opcode byte → info; undefined for bytes that are not opcodes. */
export const opcodeByByte: ReadonlyArray<PickleOpInfo | undefined> = (() => {
  const table: Array<PickleOpInfo | undefined> = new Array(256).fill(undefined);
  for (const name of Object.keys(pickleOpcodes) as PickleOpName[]) {
    const [code, arg, proto] = pickleOpcodes[name];
    table[code] = { name, code, arg, proto };
  }
  return table;
})();

/** The highest protocol this reader understands. */
export const highestPickleProtocol = 5;
