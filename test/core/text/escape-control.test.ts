import { describe, expect, test } from "bun:test";
import { escapeControl } from "../../../src/core/text/escape-control.ts";

describe("escapeControl", () => {
  const cases: [string, string][] = [
    ["val/hmean", "val/hmean"],
    ["a\u001b[2Jb", "a\\x1b[2Jb"],
    ["line\nbreak\ttab", "line\\nbreak\\ttab"],
    ["bell\u0007", "bell\\x07"],
    ["c1\u009b", "c1\\x9b"],
    ["sep\u2028", "sep\\u{2028}"],
    ["ünïcode ★", "ünïcode ★"],
    // A name's raw bytes in ckpt's spelling (core/text/fs-name.ts), and a real U+FFFD.
    ["bad\uFFFDFF.ckpt", "bad\\xff.ckpt"],
    ["gen\uFFFDU.ckpt", "gen\uFFFD.ckpt"],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => expect(escapeControl(text)).toBe(expected));
  }
});
