import { expect, test } from "bun:test";
import { interpretPickle } from "../../../../src/core/formats/pickle/pickle-interpreter.ts";
import type { PickleLimits } from "../../../../src/core/formats/pickle/pickle-limits.ts";
import { PyDict } from "../../../../src/core/formats/pickle/py-dict.ts";
import { pyStr } from "../../../../src/core/formats/pickle/py-str.ts";
import { pyTuple } from "../../../../src/core/formats/pickle/py-value.ts";
import {
  PlainBudget,
  type PlainJson,
  toPlainJson,
} from "../../../../src/core/formats/pickle/to-plain-json.ts";
import { binUnicode, pk, u32 } from "../../../helpers/pickle-bytes.ts";

const repeat = (times: number, part: number[] | string): number[] =>
  Array.from({ length: times }, () =>
    typeof part === "string" ? [...part].map((c) => c.charCodeAt(0)) : part,
  ).flat();

const cases: Array<[keyof PickleLimits, Uint8Array, Partial<PickleLimits>]> = [
  ["maxOpcodes", pk(repeat(100, "N"), "."), { maxOpcodes: 50 }],
  ["maxMarkDepth", pk(repeat(100, "("), "N."), { maxMarkDepth: 64 }],
  ["maxStackItems", pk(repeat(100, "N"), "."), { maxStackItems: 64 }],
  ["maxMemoEntries", pk("N", repeat(100, [0x94]), "."), { maxMemoEntries: 64 }],
  ["maxContainerLength", pk("(", repeat(100, "N"), "l."), { maxContainerLength: 64 }],
  ["maxStringBytes", pk(binUnicode("x".repeat(100)), "."), { maxStringBytes: 64 }],
  ["maxStringBytes", pk("X", u32(0xffffffff), "."), {}],
  // "Billion laughs": each level doubles the references; the allocation budget stops it.
  [
    "maxTotalBytes",
    pk("]q", 0, repeat(200, [0x68, 0, 0x68, 0, 0x86, 0x71, 0]), "."),
    { maxTotalBytes: 4096 },
  ],
];

test.each(cases)("%s breach is an error value", (limit, bytes, limits) => {
  const result = interpretPickle(bytes, { limits });
  expect(result.success ? undefined : { code: result.error.code, limit: result.error.limit }).toEqual({
    code: "limit-exceeded",
    limit,
  });
});

test("an exponentially shared graph interprets in linear time and converts in linear size", () => {
  // t0 = []; t(n+1) = (t(n), t(n)): 2^60 leaves if expanded naively.
  const result = interpretPickle(pk("]q", 0, repeat(60, [0x68, 0, 0x68, 0, 0x86, 0x71, 0]), "."));
  if (!result.success) throw new Error(result.error.message);
  const plain = JSON.stringify(toPlainJson(result.data.value));
  // The first occurrence is written out; a repeat of a large one points at it.
  expect(plain).toContain('{"__same_as__":"$[0]');
  expect(plain.length).toBeLessThan(200_000);
  // Tuples of tuples as dict keys hash and print in bounded time too.
  const dict = new PyDict();
  dict.set(result.data.value, 1);
  expect(dict.get(result.data.value)).toBe(1);
  expect(pyStr(result.data.value).length).toBeLessThan(5000);
});

test("the budget cuts a conversion and says so", () => {
  const big = Array.from({ length: 10_000 }, (_, index) => `item-${index}`);
  const budget = new PlainBudget(1000);
  const plain = toPlainJson(big, { budget }) as PlainJson[];
  expect(plain.length).toBeLessThan(200);
  expect(plain.at(-1)).toEqual({ __truncated__: true });
  expect(budget.truncated).toBe(1);
});

test("toPlainJson: keys like Python str(), non-finite floats like Python, cycles marked", () => {
  const dict = new PyDict();
  dict.set(1, "int");
  dict.set(0.5, "float");
  dict.set(1e-5, "small");
  dict.set(true, "bool-collides-with-1");
  dict.set(null, "none");
  dict.set(pyTuple(["a", 2]), "tuple");
  dict.set({ kind: "global", module: "m", name: "Cls", rawModule: "m", rawName: "Cls" }, "class");
  dict.set("nan", Number.NaN);
  dict.set("inf", Number.NEGATIVE_INFINITY);
  dict.set("big", 2n ** 64n);
  dict.set("self", dict);
  expect(toPlainJson(dict)).toEqual({
    "1": "bool-collides-with-1",
    "0.5": "float",
    "1e-05": "small",
    None: "none",
    "('a', 2)": "tuple",
    "<class 'm.Cls'>": "class",
    nan: "nan",
    inf: "-inf",
    big: "18446744073709551616",
    self: { __cycle__: "dict" },
  });
});
