import { describe, expect, test } from "bun:test";
import { PYTHON_TAG_KEY, parsePythonYaml } from "../../../src/core/metadata/python-yaml.ts";

// Every row of formats.md §10's PyYAML 6.0 `safe_load` table, as the value of `v: <scalar>`.
const scalarCases: [string, unknown][] = [
  ["1e10", "1e10"],
  ["1e-5", "1e-5"],
  ["1.0e5", "1.0e5"],
  ["1e+21", "1e+21"],
  ["1.0e+5", 100000],
  ["2.5E-3", 0.0025],
  ["1.", 1],
  [".5", 0.5],
  ["010", 8],
  ["08", "08"],
  ["0o10", "0o10"],
  ["1_000", 1000],
  ["1:30", 90],
  ["12:30:00", 45000],
  ["1:30.5", 90.5],
  ["0x1F", 31],
  ["0b101", 5],
  ["+1", 1],
  ["-0", 0],
  ["-0.0", -0],
  ["NaN", "NaN"],
  ["nan", "nan"],
  ["Infinity", "Infinity"],
  [".inf", Number.POSITIVE_INFINITY],
  ["-.inf", Number.NEGATIVE_INFINITY],
  [".NaN", Number.NaN],
  ["-.5", "-.5"],
  ["yes", true],
  ["on", true],
  ["No", false],
  ["OFF", false],
  ["y", "y"],
  ["n", "n"],
  ["~", null],
  ["null", null],
  ["", null],
  ["2024-01-02", "2024-01-02"],
  ["2024-1-2 3:04:05", "2024-01-02T03:04:05"],
  ["2024-01-02 03:04:05", "2024-01-02T03:04:05"],
  ["2024-01-02T03:04:05.123+02:00", "2024-01-02T03:04:05.123000+02:00"],
  ["2024-01-02t03:04:05Z", "2024-01-02T03:04:05+00:00"],
  ["2024-01-02 03:04:05.5 -5", "2024-01-02T03:04:05.500000-05:00"],
  ["12345678901234567890", 12345678901234567890n],
  ["-9007199254740993", -9007199254740993n],
  ["9007199254740991", 9007199254740991],
  ["'1.0'", "1.0"],
  ['"yes"', "yes"],
  ['"\\ud83d\\ude00"', "\ud83d\ude00"],
  ['"\\U0001F600"', "😀"],
  ['"\\x41\\N\\_\\L\\P\\e\\/"', "A\u0085\u00a0\u2028\u2029\u001b/"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: OmegaConf interpolation text, not a template
  ["${model.name}", "${model.name}"],
  ["???", "???"],
  ["!!str 12", "12"],
  ["!!int '12'", 12],
  ["!!float 3", 3],
  ["!!bool 'on'", true],
  ["!!null x", null],
  ["! 12", "12"],
];

describe("parsePythonYaml scalars (formats.md §10)", () => {
  test.each(scalarCases)("v: %s", (source, expected) => {
    expect(parsePythonYaml(`v: ${source}\n`)).toEqual({ success: true, data: { v: expected } });
  });

  test("-0.0 keeps its sign", () => {
    const parsed = parsePythonYaml("v: -0.0\n");
    expect(parsed.success && Object.is((parsed.data as { v: number }).v, -0)).toBe(true);
  });
});

const documentCases: [string, string, unknown][] = [
  ["duplicate keys: last wins", "a: 1\nb: 2\na: 3\n", { a: 3, b: 2 }],
  ["int, bool and null keys become strings", "1: x\nyes: y\n~: z\n", { "1": "x", true: "y", null: "z" }],
  [
    "merge keys, own keys win",
    "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
    { base: { x: 1, y: 2 }, d: { x: 1, y: 3 } },
  ],
  [
    "merge list: earlier sources win",
    "a: &a {x: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n",
    { a: { x: 1 }, b: { x: 2, z: 2 }, c: { x: 1, z: 2 } },
  ],
  ["plain = as a key is a string", "=: 1\n", { "=": 1 }],
  ["__proto__ is an ordinary key", "__proto__: 1\n", JSON.parse('{"__proto__": 1}')],
  ["empty document", "# nothing\n", null],
  ["nested block lists", "a:\n- 1\n- - 2\n  - x\n- {}\n- []\n", { a: [1, [2, "x"], {}, []] }],
  ["!!python/tuple is an array", "t: !!python/tuple [1, 2]\n", { t: [1, 2] }],
  [
    "!!python/object:argparse.Namespace is its mapping",
    "args: !!python/object:argparse.Namespace\n  lr: 0.1\n  name: x\n",
    { args: { lr: 0.1, name: "x" } },
  ],
  [
    "other !!python tags are kept, never fatal",
    "e: !!python/object/apply:mod.Color\n- 1\nn: !!python/name:torch.float32 ''\n",
    {
      e: { [PYTHON_TAG_KEY]: "!!python/object/apply:mod.Color", value: [1] },
      n: { [PYTHON_TAG_KEY]: "!!python/name:torch.float32", value: "" },
    },
  ],
  ["!!set is its keys", "s: !!set {a, b}\n", { s: ["a", "b"] }],
  [
    "!!omap is key/value pairs",
    "o: !!omap [a: 1, b: 2]\n",
    {
      o: [
        ["a", 1],
        ["b", 2],
      ],
    },
  ],
  ["!!binary is bytes", "b: !!binary aGk=\n", { b: new Uint8Array([104, 105]) }],
];

describe("parsePythonYaml documents", () => {
  test.each(documentCases)("%s", (_name, source, expected) => {
    expect(parsePythonYaml(source)).toEqual({ success: true, data: expected });
  });
});

const errorCases: [string, string, { message: string; line: number; col: number }][] = [
  [
    "plain = value",
    "a: 1\nb: =\n",
    { message: 'PyYAML cannot construct plain "="; quote it', line: 2, col: 4 },
  ],
  [
    "raw DEL in the stream",
    "a: 1\nb: x\u007f\n",
    { message: "unacceptable character #x007f: special characters are not allowed", line: 2, col: 5 },
  ],
  [
    "raw U+FFFE in the stream",
    "a: \ufffe\n",
    { message: "unacceptable character #xfffe: special characters are not allowed", line: 1, col: 4 },
  ],
  ["tab indentation", "a:\n\tb: 1\n", { message: "Tabs are not allowed as indentation", line: 2, col: 1 }],
  [
    "two documents",
    "a: 1\n---\nb: 2\n",
    { message: "Source contains multiple documents; please use YAML.parseAllDocuments()", line: 2, col: 1 },
  ],
  ["impossible date", "d: 2024-02-30\n", { message: 'invalid date "2024-02-30"', line: 1, col: 4 }],
  ["unhashable key", "? [1, 2]\n: x\n", { message: "found unhashable key", line: 1, col: 3 }],
  [
    "unknown local tag",
    "a: !foo bar\n",
    { message: "could not determine a constructor for the tag '!foo'", line: 1, col: 9 },
  ],
  [
    "bad explicit int",
    "a: !!int x1\n",
    { message: 'cannot construct tag:yaml.org,2002:int from "x1"', line: 1, col: 10 },
  ],
];

describe("parsePythonYaml errors carry line and column", () => {
  test.each(errorCases)("%s", (_name, source, expected) => {
    expect(parsePythonYaml(source)).toEqual({ success: false, error: expected });
  });
});
