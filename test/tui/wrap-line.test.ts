import { describe, expect, test } from "bun:test";
import { statusNote } from "../../src/tui/status-bar.tsx";
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

describe("statusNote", () => {
  test("a message wraps to the width; the hints show when there is none", () => {
    expect(
      statusNote({ error: null, message: "path sent to clipboard (OSC 52): /a/b/c.ckpt", columns: 34 }),
    ).toEqual({ rows: ["path sent to clipboard (OSC 52):", "  /a/b/c.ckpt"], error: false });
    expect(statusNote({ error: null, message: null, columns: 80 })).toBeNull();
  });

  test("an error goes before a message, and past three rows it is cut with an ellipsis", () => {
    const error = "one two three four five six seven eight";
    expect(statusNote({ error, message: "hidden", columns: 12 })).toEqual({
      rows: ["one two", "  three four", "  five six…"],
      error: true,
    });
  });
});
