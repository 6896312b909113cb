import { describe, expect, test } from "bun:test";
import { zipEntryName } from "../../../src/core/formats/zip-entry-name.ts";

const encoded = (text: string) => new TextEncoder().encode(text);

describe("zipEntryName", () => {
  test("ASCII names decode the same on every call, and 5,000 distinct names never return a neighbour's", () => {
    const names = Array.from({ length: 5000 }, (_, i) => `archive/data/${i}`);
    const first = names.map((name) => zipEntryName(encoded(name), 0, name.length));
    const again = names.map((name) => zipEntryName(encoded(`..${name}..`), 2, name.length + 2));
    expect([first, again]).toEqual([names, names]);
  });

  test("non-ASCII names are UTF-8; invalid bytes become U+FFFD, as TextDecoder reads them", () => {
    const bytes = new Uint8Array([...encoded("état/données.pkl"), 0xff]);
    expect(zipEntryName(bytes, 0, bytes.length)).toBe("état/données.pkl\uFFFD");
  });
});
