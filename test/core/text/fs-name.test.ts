import { describe, expect, test } from "bun:test";
import { escapeFsName, fsNameBytes, fsNameFromBytes } from "../../../src/core/text/fs-name.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));

describe("file names as bytes: one spelling each, the bytes back exactly, shown escaped", () => {
  // [what, the name's bytes, ckpt's spelling, how it is shown]
  const cases: readonly (readonly [string, Uint8Array, string, string])[] = [
    ["ASCII", bytes(...ascii("best.ckpt")), "best.ckpt", "best.ckpt"],
    ["valid UTF-8", new TextEncoder().encode("épοch★.ckpt"), "épοch★.ckpt", "épοch★.ckpt"],
    ["a lone 0xff", bytes(...ascii("bad"), 0xff, ...ascii(".ckpt")), "bad\uFFFDFF.ckpt", "bad\\xff.ckpt"],
    ["a lone continuation byte", bytes(0x80, 0x41), "\uFFFD80A", "\\x80A"],
    ["an overlong '/'", bytes(0xc0, 0xaf), "\uFFFDC0\uFFFDAF", "\\xc0\\xaf"],
    ["an encoded surrogate", bytes(0xed, 0xa0, 0x80), "\uFFFDED\uFFFDA0\uFFFD80", "\\xed\\xa0\\x80"],
    ["a truncated sequence at the end", bytes(0x61, 0xe2, 0x82), "a\uFFFDE2\uFFFD82", "a\\xe2\\x82"],
    [
      "past U+10FFFF",
      bytes(0xf4, 0x90, 0x80, 0x80),
      "\uFFFDF4\uFFFD90\uFFFD80\uFFFD80",
      "\\xf4\\x90\\x80\\x80",
    ],
    ["a real U+FFFD", bytes(0x67, 0xef, 0xbf, 0xbd, 0x46, 0x46), "g\uFFFDUFF", "g\uFFFDFF"],
    ["Latin-1 'café'", bytes(0x63, 0x61, 0x66, 0xe9), "caf\uFFFDE9", "caf\\xe9"],
  ];
  test.each(cases)("%s", (_what, raw, spelling, shown) => {
    expect({
      spelling: fsNameFromBytes(raw),
      back: [...fsNameBytes(spelling)],
      shown: escapeFsName(spelling),
    }).toEqual({
      spelling,
      back: [...raw],
      shown,
    });
  });

  test("any bytes come back exactly, and two names never share a spelling", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const spellings = new Map<string, string>();
    for (let round = 0; round < 5000; round++) {
      const raw = Uint8Array.from({ length: 1 + (next() % 12) }, () => next() % 256);
      const spelling = fsNameFromBytes(raw);
      expect([...fsNameBytes(spelling)]).toEqual([...raw]);
      const key = [...raw].join(",");
      expect(spellings.get(spelling) ?? key).toBe(key);
      spellings.set(spelling, key);
    }
  });
});
