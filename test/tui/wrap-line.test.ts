import { describe, expect, test } from "bun:test";
import { wrapLine } from "../../src/tui/wrap-line.ts";

describe("wrapLine", () => {
  const cases: [string, string, number, number, string[]][] = [
    ["fits", "short", 10, 2, ["short"]],
    ["breaks at the last space that fits", "a long error: fix it", 12, 2, ["a long", "  error: fix", "  it"]],
    [
      "cuts a word longer than a row",
      "/runs/a/very/long/path.ckpt",
      10,
      0,
      ["/runs/a/ve", "ry/long/pa", "th.ckpt"],
    ],
    [
      "drops the hanging indent when it leaves too little room",
      "aaaa bbbb cccc",
      9,
      4,
      ["aaaa bbbb", "cccc"],
    ],
    ["counts characters, not UTF-16 units", "★★★★ ★★", 5, 0, ["★★★★", "★★"]],
  ];
  test.each(cases)("%s", (_, text, width, indent, expected) => {
    expect(wrapLine(text, width, indent)).toEqual(expected);
  });
});
