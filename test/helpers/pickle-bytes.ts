// Test-only: build hand-written pickle streams. Numbers are bytes, strings are latin-1 text, arrays are spliced.
export type PicklePart = number | string | Uint8Array | PicklePart[];

export function pk(...parts: PicklePart[]): Uint8Array {
  const out: number[] = [];
  const add = (part: PicklePart): void => {
    if (typeof part === "number") out.push(part & 0xff);
    else if (typeof part === "string") for (const ch of part) out.push(ch.charCodeAt(0) & 0xff);
    else if (part instanceof Uint8Array) out.push(...part);
    else for (const inner of part) add(inner);
  };
  for (const part of parts) add(part);
  return Uint8Array.from(out);
}

export function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}

export function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export function u64(n: number): number[] {
  return [...u32(n), ...u32(Math.floor(n / 2 ** 32))];
}

/** BINUNICODE with UTF-8 text. */
export function binUnicode(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [0x58, ...u32(bytes.length), ...bytes];
}

/** SHORT_BINUNICODE with UTF-8 text. */
export function shortUnicode(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [0x8c, bytes.length, ...bytes];
}

/** GLOBAL module name. */
export function global(module: string, name: string): PicklePart {
  return ["c", `${module}\n${name}\n`];
}
