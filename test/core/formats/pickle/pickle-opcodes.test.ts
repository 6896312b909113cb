import { describe, expect, test } from "bun:test";
import { interpretPickle } from "../../../../src/core/formats/pickle/pickle-interpreter.ts";
import { type PickleOpName, pickleOpcodes } from "../../../../src/core/formats/pickle/pickle-opcodes.ts";
import { type PlainJson, toPlainJson } from "../../../../src/core/formats/pickle/to-plain-json.ts";
import { binUnicode, global, pk, shortUnicode, u16, u32, u64 } from "../../../helpers/pickle-bytes.ts";

const binfloat = (value: number): number[] => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, false);
  return [0x47, ...new Uint8Array(view.buffer)];
};
const torchMagic = [0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const storagePid = [
  "(",
  binUnicode("storage"),
  global("torch", "FloatStorage"),
  binUnicode("0"),
  binUnicode("cpu"),
  "K",
  4,
  "t",
];

// [opcode exercised, stream, plain JSON of the result]
const valueCases: Array<[PickleOpName, Uint8Array, PlainJson]> = [
  ["PROTO", pk(0x80, 2, "N."), null],
  ["FRAME", pk(0x80, 4, 0x95, u64(2), "N."), null],
  ["STOP", pk("N."), null],
  ["MARK", pk("(K", 1, "K", 2, "t."), [1, 2]],
  ["TUPLE", pk("(t."), []],
  ["EMPTY_TUPLE", pk(")."), []],
  ["TUPLE1", pk("K", 1, 0x85, "."), [1]],
  ["TUPLE2", pk("K", 1, "K", 2, 0x86, "."), [1, 2]],
  ["TUPLE3", pk("K", 1, "K", 2, "K", 3, 0x87, "."), [1, 2, 3]],
  ["EMPTY_LIST", pk("]."), []],
  ["LIST", pk("(K", 1, "l."), [1]],
  ["APPEND", pk("]K", 1, "a."), [1]],
  ["APPENDS", pk("](K", 1, "K", 2, "e."), [1, 2]],
  ["EMPTY_DICT", pk("}."), {}],
  ["DICT", pk("(", binUnicode("a"), "K", 1, "d."), { a: 1 }],
  ["SETITEM", pk("}", binUnicode("a"), "K", 1, "s."), { a: 1 }],
  ["SETITEMS", pk("}(", binUnicode("a"), "K", 1, "K", 2, binUnicode("b"), "u."), { a: 1, "2": "b" }],
  ["EMPTY_SET", pk(0x8f, "."), []],
  ["ADDITEMS", pk(0x8f, "(K", 1, "K", 2, "K", 1, 0x90, "."), [1, 2]],
  ["FROZENSET", pk("(K", 3, 0x91, "."), [3]],
  ["NONE", pk("N."), null],
  ["NEWTRUE", pk(0x88, "."), true],
  ["NEWFALSE", pk(0x89, "."), false],
  ["INT", pk("I42\n."), 42],
  ["INT", pk("I01\n."), true],
  ["INT", pk("I00\n."), false],
  ["INT", pk("I-123456789012345678901\n."), "-123456789012345678901"],
  ["BININT", pk("J", u32(-5 >>> 0), "."), -5],
  ["BININT1", pk("K", 255, "."), 255],
  ["BININT2", pk("M", u16(65535), "."), 65535],
  ["LONG", pk("L12345678901234567890L\n."), "12345678901234567890"],
  ["LONG1", pk(0x8a, 1, 0xff, "."), -1],
  ["LONG1", pk(0x8a, 0, "."), 0],
  ["LONG1", pk(torchMagic, "."), "119547037146038801333356"],
  ["LONG4", pk(0x8b, u32(2), 0x00, 0x80, "."), -32768],
  ["FLOAT", pk("F1.5\n."), 1.5],
  ["FLOAT", pk("F-inf\n."), "-inf"],
  ["BINFLOAT", pk(binfloat(0.1), "."), 0.1],
  ["BINFLOAT", pk(binfloat(Number.NaN), "."), "nan"],
  ["STRING", pk("S'a\\nb\\x41\\'c'\n."), "a\nbA'c"],
  ["BINSTRING", pk("T", u32(2), "hi."), "hi"],
  ["SHORT_BINSTRING", pk("U", 2, "hi."), "hi"],
  ["UNICODE", pk("Vcaf\\u00e9 \\U0001F600\n."), "café 😀"],
  ["BINUNICODE", pk(binUnicode("héllo"), "."), "héllo"],
  ["BINUNICODE", pk("X", u32(4), 0x61, 0xed, 0xa0, 0x80, "."), "a\ud800"],
  ["SHORT_BINUNICODE", pk(shortUnicode("ok"), "."), "ok"],
  ["BINUNICODE8", pk(0x8d, u64(2), "ok."), "ok"],
  ["BINBYTES", pk("B", u32(2), 1, 2, "."), { __bytes__: "0102", length: 2 }],
  ["SHORT_BINBYTES", pk("C", 1, 0xff, "."), { __bytes__: "ff", length: 1 }],
  ["BINBYTES8", pk(0x8e, u64(1), 7, "."), { __bytes__: "07", length: 1 }],
  ["BYTEARRAY8", pk(0x96, u64(1), 7, "."), { __bytes__: "07", length: 1 }],
  ["PUT", pk("]p0\n0g0\n."), []],
  ["GET", pk("K", 9, "p7\n0g7\n."), 9],
  ["BINPUT", pk("K", 9, "q", 1, "0h", 1, "."), 9],
  ["BINGET", pk("K", 9, "q", 1, "h", 1, 0x86, "."), [9, 9]],
  ["LONG_BINPUT", pk("K", 9, "r", u32(300), "0j", u32(300), "."), 9],
  ["LONG_BINGET", pk("K", 9, "r", u32(70000), "j", u32(70000), 0x86, "."), [9, 9]],
  ["MEMOIZE", pk("K", 5, 0x94, "0h", 0, "."), 5],
  ["POP", pk("K", 1, "K", 2, "0."), 1],
  ["POP", pk("K", 1, "(0."), 1],
  ["POP_MARK", pk("K", 1, "(K", 2, "K", 3, "1."), 1],
  ["DUP", pk("K", 1, "2", 0x86, "."), [1, 1]],
  ["GLOBAL", pk(global("collections", "OrderedDict"), "."), "<class 'collections.OrderedDict'>"],
  ["GLOBAL", pk(global("__builtin__", "set"), "."), "<class 'set'>"],
  [
    "STACK_GLOBAL",
    pk(shortUnicode("argparse"), shortUnicode("Namespace"), 0x93, "."),
    "<class 'argparse.Namespace'>",
  ],
  ["REDUCE", pk(global("collections", "OrderedDict"), ")R."), {}],
  [
    "NEWOBJ",
    pk(global("argparse", "Namespace"), ")", 0x81, "}", binUnicode("lr"), binfloat(0.5), "sb."),
    { lr: 0.5 },
  ],
  [
    "BUILD",
    pk(global("m", "C"), ")", 0x81, "}", binUnicode("x"), "K", 1, "sb."),
    { __object__: "m.C", state: { x: 1 } },
  ],
  ["NEWOBJ_EX", pk(global("m", "C"), "(K", 1, "t}", 0x92, "."), { __object__: "m.C", args: [1] }],
  ["INST", pk("(K", 1, "im\nC\n."), { __object__: "m.C", args: [1] }],
  ["OBJ", pk("(", global("m", "C"), "K", 1, "o."), { __object__: "m.C", args: [1] }],
  ["PERSID", pk("Pabc\n."), { __persistent_id__: "abc" }],
  ["BINPERSID", pk(storagePid, "Q."), { __storage__: "float32", key: "0", location: "cpu", numel: 4 }],
];

// [opcode, stream, error code]
const errorCases: Array<[PickleOpName, Uint8Array, string]> = [
  ["NEXT_BUFFER", pk(0x97, "."), "unsupported-opcode"],
  ["READONLY_BUFFER", pk("N", 0x98, "."), "unsupported-opcode"],
  ["EXT1", pk(0x82, 1, "."), "unsupported-opcode"],
  ["EXT2", pk(0x83, u16(1), "."), "unsupported-opcode"],
  ["EXT4", pk(0x84, u32(1), "."), "unsupported-opcode"],
  ["PROTO", pk(0x80, 6, "N."), "unsupported-protocol"],
  ["GET", pk("g3\n."), "memo-missing"],
  ["TUPLE", pk("t."), "missing-mark"],
  ["APPEND", pk("K", 1, "a."), "stack-underflow"],
  ["SETITEM", pk("K", 1, "K", 1, "K", 1, "s."), "type-error"],
  ["DICT", pk("(K", 1, "d."), "bad-argument"],
  ["STACK_GLOBAL", pk("K", 1, "K", 2, 0x93, "."), "type-error"],
  ["BINUNICODE", pk("X", u32(10), "ab"), "truncated"],
  ["FLOAT", pk("Fabc\n."), "bad-argument"],
  ["STOP", pk("(."), "stack-underflow"],
];

describe("interpretPickle opcode table", () => {
  test.each(valueCases)("%s", (_name, bytes, expected) => {
    const result = interpretPickle(bytes);
    if (!result.success) throw new Error(result.error.message);
    expect(toPlainJson(result.data.value)).toEqual(expected);
    expect(result.data.endOffset).toBe(bytes.length);
  });

  test.each(errorCases)("%s fails as an error value", (_name, bytes, code) => {
    const result = interpretPickle(bytes);
    expect(result.success ? "ok" : result.error.code).toBe(code);
  });

  test("every pickletools opcode has a case", () => {
    const covered = new Set<string>([...valueCases, ...errorCases].map(([name]) => name));
    expect([...covered].sort()).toEqual(Object.keys(pickleOpcodes).sort());
  });

  test("memo GET returns the same object, so shared references and cycles survive", () => {
    // l = []; l.append(l)
    const result = interpretPickle(pk(0x80, 2, "]q", 0, "h", 0, "a."));
    if (!result.success) throw new Error(result.error.message);
    const list = result.data.value as unknown[];
    expect(list[0]).toBe(list);
    expect(toPlainJson(result.data.value)).toEqual([{ __cycle__: "list" }]);
  });

  test("STOP reports its end offset so back-to-back pickles can be read", () => {
    const bytes = pk(0x80, 2, "K", 1, ".", 0x80, 2, "K", 2, ".");
    const first = interpretPickle(bytes);
    if (!first.success) throw new Error(first.error.message);
    expect(first.data).toMatchObject({ value: 1, endOffset: 5, trailingBytes: 5, protocol: 2 });
    const second = interpretPickle(bytes, { offset: first.data.endOffset });
    expect(second.success && second.data.value).toBe(2);
  });

  test("error values name the offset and opcode", () => {
    const result = interpretPickle(pk(0x80, 2, "](K", 1, 0xff));
    expect(result).toEqual({
      success: false,
      error: {
        code: "unknown-opcode",
        message:
          "pickle offset 6: byte 0xff is not a pickle opcode; the pickle is corrupt or this is not pickle data; re-save or re-download the checkpoint",
        offset: 6,
        opcode: undefined,
        limit: undefined,
      },
    });
  });
});
