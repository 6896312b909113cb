import { describe, expect, test } from "bun:test";
import { isMetadataFloatPath } from "../../../src/core/metadata/metadata-schema.ts";
import {
  formatPythonFloat,
  quotePythonYamlString,
  stringifyPythonYaml,
} from "../../../src/core/metadata/python-yaml-writer.ts";

const floatCases: [number, string][] = [
  [1e-5, "1.0e-05"],
  [1.5e-7, "1.5e-07"],
  [1e21, "1.0e+21"],
  [1e16, "1.0e+16"],
  [1e15, "1000000000000000.0"],
  [3, "3.0"],
  [-0, "-0.0"],
  [0.1, "0.1"],
  [0.0001, "0.0001"],
  [0.00012, "0.00012"],
  [123.456, "123.456"],
  [Number.NaN, ".nan"],
  [Number.POSITIVE_INFINITY, ".inf"],
  [Number.NEGATIVE_INFINITY, "-.inf"],
  [Number.MAX_VALUE, "1.7976931348623157e+308"],
  [5e-324, "5.0e-324"],
];

describe("formatPythonFloat matches repr() + PyYAML's fix-up", () => {
  test.each(floatCases)("%p", (value, expected) => {
    expect(formatPythonFloat(value)).toBe(expected);
  });
});

const quoteCases: [string, string, string][] = [
  ["plain", "abc", '"abc"'],
  ["quote and backslash", 'a"b\\c', '"a\\"b\\\\c"'],
  ["line breaks and tab", "a\nb\rc\td", '"a\\nb\\rc\\td"'],
  ["C0 and DEL", "\u0000\u001b\u007f", '"\\x00\\x1B\\x7F"'],
  ["C1 incl. NEL", "\u0085\u009f", '"\\x85\\x9F"'],
  [
    "line/paragraph separators and BOM",
    "\u2028\u2029\ufeff\ufffe\uffff",
    '"\\u2028\\u2029\\uFEFF\\uFFFE\\uFFFF"',
  ],
  ["lone surrogates", "\ud800x\udfff", '"\\uD800x\\uDFFF"'],
  ["astral and combining stay raw", "😀e\u0301", '"😀e\u0301"'],
];

describe("quotePythonYamlString", () => {
  test.each(quoteCases)("%s", (_name, value, expected) => {
    expect(quotePythonYamlString(value)).toBe(expected);
  });
});

const documentCases: [string, unknown, string][] = [
  ["root scalar", "x", '"x"\n'],
  ["root empty mapping", {}, "{}\n"],
  ["root empty list", [], "[]\n"],
  ["scalars", { a: 1, b: 0.5, c: true, d: null, e: 10n }, "a: 1\nb: 0.5\nc: true\nd: null\ne: 10\n"],
  ["undefined properties are left out", { a: undefined, b: 1 }, "b: 1\n"],
  [
    "nested",
    { a: { b: [1, { c: "x", d: [] }, [2, 3]] } },
    'a:\n  b:\n    - 1\n    - c: "x"\n      d: []\n    - - 2\n      - 3\n',
  ],
  [
    "keys quoted only when PyYAML would change them",
    { "val/hmean": 1, yes: 2, "1": 3, "a b": 4, null: 5, y: 6, "": 7 },
    '"1": 3\nval/hmean: 1\n"yes": 2\n"a b": 4\n"null": 5\ny: 6\n"": 7\n',
  ],
];

describe("stringifyPythonYaml", () => {
  test.each(documentCases)("%s", (_name, value, expected) => {
    expect(stringifyPythonYaml(value)).toBe(expected);
  });

  test("isFloat marks integral metrics as floats", () => {
    const value = { metrics: { hmean: 1, additional_metrics: { "val/loss": 0 } }, training: { epoch: 1 } };
    expect(stringifyPythonYaml(value, { isFloat: isMetadataFloatPath })).toBe(
      "metrics:\n  hmean: 1.0\n  additional_metrics:\n    val/loss: 0.0\ntraining:\n  epoch: 1\n",
    );
  });

  test("values YAML cannot hold are a TypeError", () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(() => stringifyPythonYaml({ f: () => 1 })).toThrow("cannot write a function at f as YAML");
    expect(() => stringifyPythonYaml(cyclic)).toThrow("cannot write a cyclic value at self as YAML");
  });
});

const floatPathCases: [(string | number)[], boolean][] = [
  [["metrics", "hmean"], true],
  [["metrics", "validation_loss"], true],
  [["metrics", "additional_metrics", "val/loss"], true],
  [["ckpt", "primary_metric", "value"], true],
  [["training", "epoch"], false],
  [["model", "loss", "params", "alpha"], false],
  [["ckpt", "file", "size"], false],
];

describe("isMetadataFloatPath", () => {
  test.each(floatPathCases)("%p", (path, expected) => {
    expect(isMetadataFloatPath(path)).toBe(expected);
  });
});
