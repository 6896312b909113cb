// One table of interned ASCII strings for every reader: pickle keys and names (state dicts repeat `weight`, `bias`,
// `_parameters`, `cpu` … thousands of times, checkpoints repeat each other's keys) and zip entry names (a torch
// zip's `archive/data/0`, `archive/data.pkl` … repeat from file to file). One string per spelling saves the
// allocation and lets Map lookups reuse its cached hash. The table is bounded (4096 slots, a newer spelling
// replaces an older one).
const internTable: Array<string | undefined> = new Array(4096).fill(undefined);
// For ASCII bytes (checked first) every decoder agrees; the native one is several times faster than building the
// string in script.
const asciiDecoder = new TextDecoder("latin1");

/** The string in `bytes[begin, end)`, interned; undefined if the bytes are not all ASCII. */
export function internedAscii(bytes: Uint8Array, begin: number, end: number): string | undefined {
  let hash = 0x811c9dc5;
  for (let i = begin; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x80) return undefined;
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  const slot = (hash >>> 0) & 4095;
  const cached = internTable[slot];
  if (cached !== undefined && sameAscii(cached, bytes, begin, end)) return cached;
  const text = asciiDecoder.decode(bytes.subarray(begin, end));
  internTable[slot] = text;
  return text;
}

function sameAscii(text: string, bytes: Uint8Array, begin: number, end: number): boolean {
  if (text.length !== end - begin) return false;
  for (let i = begin; i < end; i++) if (text.charCodeAt(i - begin) !== bytes[i]) return false;
  return true;
}
