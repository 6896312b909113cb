// PyYAML's `Reader` stage (`lib/yaml/reader.py`): the whole stream is checked for non-printable characters before
// any parsing, and a bad one is reported by its position in the text.

/** PyYAML's `Reader.NON_PRINTABLE` check, which rejects the whole stream. */
export function findNonPrintable(text: string): { code: number; index: number } | undefined {
  let index = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const printable =
      code === 0x09 ||
      code === 0x0a ||
      code === 0x0d ||
      (code >= 0x20 && code <= 0x7e) ||
      code === 0x85 ||
      (code >= 0xa0 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    if (!printable) return { code, index };
    index += char.length;
  }
  return undefined;
}

/** 1-based line and column of a string index, as the error messages cite them. */
export function positionOf(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, col: index - lineStart + 1 };
}
