// Zip entry names, decoded once per distinct name: a torch zip's names repeat from file to file (`archive/data/0`,
// `archive/data.pkl`, `archive/version`), and decoding ~180 of them per Lightning checkpoint was a visible share
// of reading its directory.
const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");
const TABLE_SLOTS = 4096;
const table: (string | undefined)[] = new Array(TABLE_SLOTS);

/** The name stored in `bytes[begin, end)`: UTF-8 as the zip spec's flag and torch say; ASCII names interned. */
export function zipEntryName(bytes: Uint8Array, begin: number, end: number): string {
  let hash = 0x811c9dc5;
  for (let i = begin; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x80) return utf8.decode(bytes.subarray(begin, end));
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  const slot = (hash >>> 0) & (TABLE_SLOTS - 1);
  const cached = table[slot];
  if (cached !== undefined && sameAscii(cached, bytes, begin, end)) return cached;
  const text = latin1.decode(bytes.subarray(begin, end));
  table[slot] = text;
  return text;
}

function sameAscii(text: string, bytes: Uint8Array, begin: number, end: number): boolean {
  if (text.length !== end - begin) return false;
  for (let i = begin; i < end; i++) if (text.charCodeAt(i - begin) !== bytes[i]) return false;
  return true;
}
