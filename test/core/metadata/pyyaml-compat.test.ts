// Checks the YAML codec against the real PyYAML: `python3` with the `yaml` module must be installed.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  type CheckpointMetadataV1,
  isMetadataFloatPath,
} from "../../../src/core/metadata/metadata-schema.ts";
import { parsePythonYaml } from "../../../src/core/metadata/python-yaml.ts";
import { stringifyPythonYaml, type YamlPath } from "../../../src/core/metadata/python-yaml-writer.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { pythonWithYaml } from "../../helpers/python-with-yaml.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const fixtures = join(import.meta.dir, "../../fixtures");

// Python tags every value with its type so float-vs-int, NaN, -0.0 and dict key types survive JSON.
const LOAD_ALL = `
import datetime, json, sys, yaml
def enc(v):
    if v is None or isinstance(v, (bool, str)): return v
    if isinstance(v, int): return {"$int": str(v)}
    if isinstance(v, float): return {"$float": repr(v)}
    if isinstance(v, (datetime.datetime, datetime.date)): return v.isoformat()
    if isinstance(v, (list, tuple)): return [enc(x) for x in v]
    if isinstance(v, dict): return {"$map": [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, bytes): return {"$bytes": list(v)}
    if isinstance(v, (set, frozenset)): return [enc(x) for x in sorted(v)]
    return {"$repr": repr(v)}
out = []
for doc in json.load(sys.stdin):
    try: out.append({"ok": enc(yaml.safe_load(doc))})
    except Exception as e: out.append({"error": type(e).__name__})
print(json.dumps(out))
`;

type PythonResult = { ok?: unknown; error?: string };

function safeLoadAll(documents: readonly string[]): PythonResult[] {
  const run = Bun.spawnSync([pythonWithYaml(), "-c", LOAD_ALL], {
    stdin: Buffer.from(JSON.stringify(documents)),
  });
  if (run.exitCode !== 0) throw new Error(`python3 failed: ${run.stderr.toString()}`);
  return JSON.parse(run.stdout.toString()) as PythonResult[];
}

function floatText(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

function pythonFloat(repr: string): number {
  const special: Record<string, number> = { nan: Number.NaN, inf: Infinity, "-inf": -Infinity };
  return special[repr] ?? Number(repr);
}

/** Python's tagged value as comparable data; `strict` keeps int vs float apart. */
function fromPython(tagged: unknown, strict: boolean): unknown {
  if (Array.isArray(tagged)) return tagged.map((item) => fromPython(item, strict));
  if (typeof tagged !== "object" || tagged === null) return tagged;
  const { $int, $float, $map, $bytes } = tagged as Record<string, unknown>;
  if (typeof $int === "string") return strict ? { $int } : { $num: $int };
  if (typeof $float === "string")
    return strict ? { $float: floatText(pythonFloat($float)) } : { $num: floatText(pythonFloat($float)) };
  if ($bytes !== undefined) return { $bytes };
  if (!Array.isArray($map)) return { $other: tagged };
  const entries = ($map as [unknown, unknown][]).map(([key, value]) => [
    pythonKey(key),
    fromPython(value, strict),
  ]);
  return Object.fromEntries(entries);
}

function pythonKey(key: unknown): string {
  const plain = fromPython(key, false);
  if (typeof plain === "object" && plain !== null && "$num" in plain) return String(plain.$num);
  return String(plain);
}

/** Our value in the same form; `isFloat` says which integral numbers are meant as floats. */
function fromOurs(
  value: unknown,
  strict: boolean,
  isFloat: (path: YamlPath) => boolean,
  path: YamlPath = [],
): unknown {
  if (typeof value === "bigint") return strict ? { $int: String(value) } : { $num: String(value) };
  if (typeof value === "number") {
    if (!strict) return { $num: floatText(value) };
    const integral = Number.isSafeInteger(value) && !Object.is(value, -0) && !isFloat(path);
    return integral ? { $int: String(value) } : { $float: floatText(value) };
  }
  if (value instanceof Uint8Array) return { $bytes: [...value] };
  if (Array.isArray(value))
    return value.map((item, index) => fromOurs(item, strict, isFloat, [...path, index]));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return Object.fromEntries(
      entries.map(([key, item]) => [key, fromOurs(item, strict, isFloat, [...path, key])]),
    );
  }
  return value;
}

const never = () => false;

// Plain scalars of formats.md §10 and neighbours; Python is the oracle for each.
const readerSources = [
  "1e10",
  "1e-5",
  "1.0e5",
  "1e+21",
  "1.0e+5",
  "2.5E-3",
  "1.",
  ".5",
  "-.5",
  "+.5",
  "010",
  "08",
  "0o10",
  "1_000",
  "1:30",
  "12:30:00",
  "1:30.5",
  "-1:30",
  "0x1F",
  "0b101",
  "+1",
  "-0",
  "-0.0",
  "NaN",
  "nan",
  "Infinity",
  ".inf",
  "-.inf",
  "+.INF",
  ".NaN",
  "yes",
  "Yes",
  "on",
  "No",
  "OFF",
  "y",
  "n",
  "~",
  "null",
  "NULL",
  "",
  "2024-01-02",
  "2024-1-2",
  "2024-1-2 3:04:05",
  "2024-01-02 03:04:05",
  "2024-01-02T03:04:05.123+02:00",
  "2024-01-02t03:04:05Z",
  "2024-01-02 03:04:05.1234567 -5",
  "2024-02-30",
  "=",
  "12345678901234567890",
  "-9007199254740993",
  "'1.0'",
  '"yes"',
  '"\\ud83d\\ude00"',
  '"\\U0001F600"',
  '"\\x41\\N\\_\\L\\P\\e\\/"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: OmegaConf interpolation text, not a template
  "${a.b}",
  "???",
  "!!str 12",
  "!!int '12'",
  "!!float 3",
  "!!bool 'on'",
  "!foo bar",
  "x\u007f",
  "\ufffe",
];
const readerDocuments = [
  ...readerSources.map((source) => `v: ${source}\n`),
  "a: 1\nb: 2\na: 3\n",
  "2: x\nyes: y\n~: z\n",
  "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
  "a: &a {x: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n",
  "=: 1\n",
  "a:\n\tb: 1\n",
  "s: !!set {a, b}\n",
  "b: !!binary aGk=\n",
  "? [1, 2]\n: x\n",
];

// Values for the writer: each must come back from safe_load exactly.
const tricky: Record<string, unknown> = {
  s1: "1.0",
  s2: "yes",
  s3: "no",
  s4: "on",
  s5: "y",
  s6: "null",
  s7: "~",
  s8: "",
  s9: "010",
  s10: "1:30",
  s11: "2024-01-02",
  s12: "=",
  s13: "<<",
  s14: "- x",
  s15: "a: b",
  s16: "#c",
  s17: " lead",
  s18: "trail ",
  s19: "'q'",
  s20: "😀 astral",
  s21: "e\u0301 combining",
  s22: "\u2028\u2029",
  s23: "\u0085 nel",
  s24: "\u0000\u0001\u001f\u007f",
  s25: "\ud800 lone \udfff",
  s26: "x".repeat(5000),
  s27: "multi\nline\r\n\ttabbed",
  s28: "\ufeffbom",
  s29: '\\ "',
  f1: 1e-5,
  f2: 1e21,
  f3: 3,
  f4: -0,
  f5: Number.NaN,
  f6: Infinity,
  f7: -Infinity,
  f8: 0.1,
  f9: 5e-324,
  f10: 1.7976931348623157e308,
  i1: 0,
  i2: -7,
  i3: 9007199254740991,
  i4: 123456789012345678901234567890n,
  i5: -(2n ** 70n),
  b1: true,
  b2: false,
  n1: null,
  e1: {},
  e2: [],
  nested: { "a b": [1, [2, [3, {}]], { yes: "no", "1": 2.5, "": [] }], "val/hmean": 0.5 },
};
const trickyFloats = new Set(["f3"]);

let rootValues: PythonResult[] | undefined;
/** One Python run for every root-value case. */
function rootValuesInPython(): PythonResult[] {
  rootValues ??= safeLoadAll(Object.values(tricky).map((value) => stringifyPythonYaml(value)));
  return rootValues;
}

describe("against PyYAML safe_load", () => {
  test("the reader agrees with safe_load on every table row", () => {
    const python = safeLoadAll(readerDocuments);
    const mismatches = readerDocuments.flatMap((document, index) => {
      const ours = parsePythonYaml(document);
      const theirs = python[index] ?? {};
      const oursView = ours.success ? { ok: fromOurs(ours.data, false, never) } : { error: true };
      const theirsView = theirs.error === undefined ? { ok: fromPython(theirs.ok, false) } : { error: true };
      return Bun.deepEquals(oursView, theirsView) ? [] : [{ document, ours: oursView, python: theirsView }];
    });
    expect(mismatches).toEqual([]);
  });

  test("writer output loads back to exactly the same values", () => {
    const isFloat = (path: YamlPath) => path.length === 1 && trickyFloats.has(String(path[0]));
    const text = stringifyPythonYaml(tricky, { isFloat });
    const [loaded] = safeLoadAll([text]);
    expect(fromPython(loaded?.ok, true)).toEqual(fromOurs(tricky, true, isFloat));
    expect(parsePythonYaml(text)).toEqual({ success: true, data: tricky });
  });

  test.each(Object.keys(tricky))("root value %s round-trips alone", (name) => {
    const index = Object.keys(tricky).indexOf(name);
    expect(fromPython(rootValuesInPython()[index]?.ok, true)).toEqual(fromOurs(tricky[name], true, never));
  });

  test("a full sidecar written by us loads in Python to the same values", () => {
    const text = readFileSync(join(fixtures, "sidecars/ckpt-written.metadata.yaml"), "utf8");
    const parsed = parsePythonYaml(text);
    const [loaded] = safeLoadAll([text]);
    expect(parsed.success).toBe(true);
    const data = parsed.success ? (parsed.data as CheckpointMetadataV1) : undefined;
    expect(fromPython(loaded?.ok, true)).toEqual(fromOurs(data, true, isMetadataFloatPath));
  });

  test("real framework YAML files read the same as in Python", () => {
    const files = yamlFilesUnder(join(fixtures, "real"));
    expect(files.length).toBeGreaterThan(10);
    const python = safeLoadAll(files.map((file) => readFileSync(file, "utf8")));
    const mismatches = files.flatMap((file, index) => {
      const ours = parsePythonYaml(readFileSync(file, "utf8"));
      const theirs = fromPython(python[index]?.ok, false);
      const same = ours.success && Bun.deepEquals(fromOurs(ours.data, false, never), theirs);
      return same ? [] : [relative(fixtures, file)];
    });
    expect(mismatches).toEqual([]);
  });
});

function yamlFilesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".yaml") || name.endsWith(".yml"))
    .map((name) => join(directory, name))
    .sort();
}
