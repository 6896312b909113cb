import { internedAscii } from "../text/interned-ascii.ts";

// Zip entry names, decoded once per distinct name: a torch zip's names repeat from file to file (`archive/data/0`,
// `archive/data.pkl`, `archive/version`), and decoding ~180 of them per Lightning checkpoint was a visible share
// of reading its directory.
const utf8 = new TextDecoder("utf-8");

/** The name stored in `bytes[begin, end)`: UTF-8 as the zip spec's flag and torch say; ASCII names interned. */
export function zipEntryName(bytes: Uint8Array, begin: number, end: number): string {
  return internedAscii(bytes, begin, end) ?? utf8.decode(bytes.subarray(begin, end));
}
