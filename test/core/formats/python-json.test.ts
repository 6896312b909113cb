import { describe, expect, test } from "bun:test";
import { parsePythonJson } from "../../../src/core/formats/python-json.ts";

describe("parsePythonJson", () => {
  test.each([
    [
      '{"a": NaN, "b": Infinity, "c": -Infinity, "d": -1.5}',
      { a: Number.NaN, b: Infinity, c: -Infinity, d: -1.5 },
    ],
    ['{"NaN": "Infinity", "s": "a\\" NaN"}', { NaN: "Infinity", s: 'a" NaN' }],
    ["[NaN, [Infinity]]", [Number.NaN, [Infinity]]],
    ['{"kth_best_model_path": "", "kth_value": Infinity}', { kth_best_model_path: "", kth_value: Infinity }],
  ] as const)("%s", (input, expected) => {
    expect(parsePythonJson(input)).toEqual({ success: true, data: expected });
  });

  test("rejects what Python would not write", () => {
    expect(parsePythonJson('{"a": nan}').success).toBe(false);
    expect(parsePythonJson('{"a": 1').success).toBe(false);
  });
});
