import { describe, expect, test } from "bun:test";
import {
  shortenPath,
  textWidth,
  truncateEnd,
  truncateMiddle,
  truncateStart,
} from "../../../src/core/text/fit-text.ts";

const deep = "runs/lightning/outputs/exp/2026-11-22/14-52-56/checkpoints/last.ckpt";

describe("fit-text", () => {
  test.each([
    ["fits: unchanged", truncateEnd("effnet", 6), "effnet"],
    ["end", truncateEnd("efficientnet", 6), "effic…"],
    ["start", truncateStart("dbnet-epoch04.ckpt", 8), "…04.ckpt"],
    ["middle, even width", truncateMiddle("dbnet_r18_dev_cleval", 14), "dbnet_r…cleval"],
    ["middle, odd width", truncateMiddle("dbnet_r18_dev_full", 11), "dbnet…_full"],
    ["width 1", truncateEnd("abc", 1), "…"],
    ["width 0", truncateMiddle("abc", 0), ""],
    ["code points, not UTF-16 units", truncateEnd("😀😀😀😀", 3), "😀😀…"],
  ])("%s", (_name, actual, expected) => {
    expect(actual).toBe(expected);
    expect(textWidth(actual)).toBeLessThanOrEqual(Math.max(textWidth(expected), 0));
  });

  test.each([
    ["fits", deep, 80, deep],
    ["first segment and the nearest directories", deep, 32, "runs/…/checkpoints/last.ckpt"],
    ["more room: more of the tail first", deep, 48, "runs/…/2026-11-22/14-52-56/checkpoints/last.ckpt"],
    ["only the file name fits", deep, 12, "…/last.ckpt"],
    ["not even the file name", "a/b/dbnet-epoch04-hmean0.9811.ckpt", 12, "…0.9811.ckpt"],
    ["absolute path keeps its root", "/data/runs/x/y/z/best.ckpt", 20, "/data/…/z/best.ckpt"],
    ["no directory", "dbnet-epoch04-hmean0.9811.ckpt", 10, "…9811.ckpt"],
    ["a root-level file", "/best.ckpt", 8, "…st.ckpt"],
  ])("shortenPath: %s", (_name, path, width, expected) => {
    const shortened = shortenPath(path, width);
    expect(shortened).toBe(expected);
    expect(textWidth(shortened)).toBeLessThanOrEqual(width);
  });

  test.each([
    ["ASCII", "epoch=3.ckpt", 12],
    ["empty", "", 0],
    ["BMP letters: one cell per unit", "héllo…", 6],
    ["astral: a pair is one code point", "a😀b😀", 4],
    ["a lone surrogate counts as one, as the string iterator does", "a\uD800b\uDFFF", 4],
    ["a pair then a lone one", "😀\uDC00", 2],
  ])("textWidth: %s", (_name, text, width) => {
    expect(textWidth(text)).toBe(width);
    expect(textWidth(text)).toBe([...text].length);
  });
});
