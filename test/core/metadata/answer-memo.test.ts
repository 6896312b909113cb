import { describe, expect, test } from "bun:test";
import { answerMemo } from "../../../src/core/metadata/answer-memo.ts";

describe("answerMemo", () => {
  test("answers each key once, null answers included, and forgets all at its limit", () => {
    const asked: string[] = [];
    const memo = answerMemo<string | null>(2);
    const ask = (key: string) =>
      memo(key, () => {
        asked.push(key);
        return key === "none" ? null : key.toUpperCase();
      });
    expect([ask("a"), ask("none"), ask("a"), ask("none")]).toEqual(["A", null, "A", null]);
    expect(asked).toEqual(["a", "none"]);
    expect(ask("b")).toBe("B");
    expect(ask("a")).toBe("A");
    expect(asked).toEqual(["a", "none", "b", "a"]);
  });
});
