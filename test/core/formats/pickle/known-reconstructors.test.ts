import { describe, expect, test } from "bun:test";
import { interpretPickle } from "../../../../src/core/formats/pickle/pickle-interpreter.ts";
import { PyDict } from "../../../../src/core/formats/pickle/py-dict.ts";
import { isTagged, type PyValue } from "../../../../src/core/formats/pickle/py-value.ts";
import { type PlainJson, toPlainJson } from "../../../../src/core/formats/pickle/to-plain-json.ts";
import { binUnicode, global, type PicklePart, pk } from "../../../helpers/pickle-bytes.ts";

const latin1Bytes = (bytes: number[]): PicklePart => [
  global("_codecs", "encode"),
  binUnicode(String.fromCharCode(...bytes)),
  binUnicode("latin1"),
  0x86,
  "R",
];
const f64le = (value: number): number[] => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [...new Uint8Array(view.buffer)];
};
const npDtype = (code: string, order: string): PicklePart => [
  global("numpy", "dtype"),
  binUnicode(code),
  "K",
  0,
  "K",
  1,
  0x87,
  "R(K",
  3,
  binUnicode(order),
  "NNNJ",
  [255, 255, 255, 255],
  "J",
  [255, 255, 255, 255],
  "K",
  0,
  "tb",
];
const storage = (type: string, numel: number): PicklePart => [
  "(",
  binUnicode("storage"),
  global("torch", type),
  binUnicode("0"),
  binUnicode("cuda:0"),
  "K",
  numel,
  "tQ",
];

function interpret(...parts: PicklePart[]): PyValue {
  const result = interpretPickle(pk(0x80, 2, ...parts, "."));
  if (!result.success) throw new Error(result.error.message);
  return result.data.value;
}

const cases: Array<[string, PicklePart[], PlainJson]> = [
  [
    "numpy float64 scalar",
    [global("numpy.core.multiarray", "scalar"), npDtype("f8", "<"), latin1Bytes(f64le(0.04599)), 0x86, "R"],
    0.04599,
  ],
  [
    "numpy 2 module path",
    [
      global("numpy._core.multiarray", "scalar"),
      npDtype("i8", "<"),
      latin1Bytes([7, 0, 0, 0, 0, 0, 0, 0]),
      0x86,
      "R",
    ],
    7,
  ],
  [
    "numpy bool scalar",
    [global("numpy.core.multiarray", "scalar"), npDtype("b1", "|"), latin1Bytes([1]), 0x86, "R"],
    true,
  ],
  [
    "numpy big-endian f4",
    [
      global("numpy.core.multiarray", "scalar"),
      npDtype("f4", ">"),
      latin1Bytes([0x3f, 0xc0, 0, 0]),
      0x86,
      "R",
    ],
    1.5,
  ],
  [
    "numpy array",
    [
      global("numpy.core.multiarray", "_reconstruct"),
      global("numpy", "ndarray"),
      "K",
      0,
      0x85,
      latin1Bytes([98]),
      0x87,
      "R",
      "(K",
      1,
      "K",
      2,
      0x85,
      npDtype("f8", "<"),
      0x89,
      latin1Bytes([...f64le(1), ...f64le(-2)]),
      "tb",
    ],
    { __ndarray__: "<f8", shape: [2], values: [1, -2] },
  ],
  [
    "datetime",
    [
      global("datetime", "datetime"),
      latin1Bytes([0x07, 0xea, 11, 22, 14, 54, 10, 0x08, 0x9b, 0xd7]),
      0x85,
      "R",
    ],
    "2026-11-22T14:54:10.564183",
  ],
  ["date", [global("datetime", "date"), latin1Bytes([0x07, 0xea, 1, 2]), 0x85, "R"], "2026-01-02"],
  ["timedelta", [global("datetime", "timedelta"), "K", 1, "M", [0x10, 0x0e], "K", 0, 0x87, "R"], 90000],
  [
    "PosixPath",
    [global("pathlib", "PosixPath"), "(", binUnicode("/"), binUnicode("srv"), binUnicode("x.ckpt"), "tR"],
    "/srv/x.ckpt",
  ],
  [
    "pathlib._local (3.13)",
    [global("pathlib._local", "PosixPath"), "(", binUnicode("runs"), binUnicode("a"), "tR"],
    "runs/a",
  ],
  [
    "enum by value",
    [global("transformers.trainer_utils", "IntervalStrategy"), binUnicode("steps"), 0x85, "R"],
    { __enum__: "transformers.trainer_utils.IntervalStrategy", value: "steps" },
  ],
  ["set (protocol 2)", [global("__builtin__", "set"), "](K", 1, "K", 2, "K", 1, "e", 0x85, "R"], [1, 2]],
  [
    "bytearray",
    [global("__builtin__", "bytearray"), binUnicode("ab"), binUnicode("latin-1"), 0x86, "R"],
    { __bytes__: "6162", length: 2 },
  ],
  [
    "complex",
    [
      global("__builtin__", "complex"),
      "G",
      [0x3f, 0xf0, 0, 0, 0, 0, 0, 0],
      "G",
      [0xc0, 0, 0, 0, 0, 0, 0, 0],
      0x86,
      "R",
    ],
    { __complex__: [1, -2] },
  ],
  [
    "range",
    [global("__builtin__", "range"), "K", 0, "K", 9, "K", 3, 0x87, "R"],
    { __object__: "builtins.range", args: [0, 9, 3] },
  ],
  [
    "defaultdict",
    [global("collections", "defaultdict"), global("__builtin__", "list"), 0x85, "R", binUnicode("k"), "]s"],
    { k: [] },
  ],
  ["Counter", [global("collections", "Counter"), "}", binUnicode("a"), "K", 2, "s", 0x85, "R"], { a: 2 }],
  [
    "OrderedDict from pairs",
    [global("collections", "OrderedDict"), "](", binUnicode("a"), "K", 1, "la", 0x85, "R"],
    { a: 1 },
  ],
  ["torch.Size", [global("torch", "Size"), "K", 2, "K", 3, 0x86, 0x85, "R"], [2, 3]],
  ["torch.device", [global("torch", "device"), binUnicode("cuda"), "K", 1, 0x86, "R"], "cuda:1"],
  ["torch dtype", [global("torch", "float16")], "torch.float16"],
  [
    "_rebuild_tensor_v3 with UntypedStorage byte count",
    [
      global("torch._utils", "_rebuild_tensor_v3"),
      "(",
      storage("UntypedStorage", 8),
      "K",
      0,
      "K",
      4,
      0x85,
      "K",
      1,
      0x85,
      0x89,
      global("collections", "OrderedDict"),
      ")R",
      global("torch", "float8_e4m3fn"),
      "tR",
    ],
    { __tensor__: "float8_e4m3fn", shape: [4] },
  ],
  [
    "copyreg._reconstructor",
    [
      global("copy_reg", "_reconstructor"),
      global("m", "Old"),
      global("__builtin__", "object"),
      "N",
      0x87,
      "R}",
      binUnicode("x"),
      "K",
      1,
      "sb",
    ],
    { __object__: "m.Old", state: { x: 1 } },
  ],
  [
    "SimpleNamespace",
    [global("types", "SimpleNamespace"), ")", 0x81, "}", binUnicode("a"), "K", 1, "sb"],
    { a: 1 },
  ],
  [
    "unknown callable stays opaque",
    [global("mymod", "make"), "K", 1, "K", 2, 0x86, "R"],
    { __reduce__: "mymod.make", args: [1, 2] },
  ],
];

describe("known reconstructors", () => {
  test.each(cases)("%s", (_name, parts, expected) => {
    expect(toPlainJson(interpret(...parts))).toEqual(expected);
  });

  test("BUILD on an OrderedDict sets attributes (state_dict _metadata), never items", () => {
    const value = interpret(
      global("collections", "OrderedDict"),
      ")R",
      binUnicode("w"),
      "K",
      1,
      "s",
      "}",
      binUnicode("_metadata"),
      "}",
      binUnicode("version"),
      "K",
      1,
      "ssb",
    );
    expect(toPlainJson(value)).toEqual({ w: 1 });
    expect(value instanceof PyDict && toPlainJson(value.attributes ?? null)).toEqual({
      _metadata: { version: 1 },
    });
  });

  test("a tensor's storage comes from the persistent id, with dtype and byte length", () => {
    const value = interpret(
      global("torch._utils", "_rebuild_tensor_v2"),
      "(",
      storage("HalfStorage", 6),
      "K",
      2,
      "K",
      2,
      "K",
      2,
      0x86,
      "K",
      2,
      "K",
      1,
      0x86,
      0x88,
      "NtR",
    );
    expect(isTagged(value) && value.kind === "tensor" && value).toMatchObject({
      dtype: "float16",
      shape: [2, 2],
      storageOffset: 2,
      requiresGrad: true,
      location: "cuda:0",
      storage: { kind: "storage", storageType: "HalfStorage", numel: 6, byteLength: 12, elementSize: 2 },
    });
  });

  test("reconstruct: false keeps the raw object model", () => {
    const result = interpretPickle(pk(0x80, 2, global("collections", "OrderedDict"), ")R."), {
      reconstruct: false,
    });
    expect(result.success && toPlainJson(result.data.value)).toEqual({
      __reduce__: "collections.OrderedDict",
      args: [],
    });
  });
});
