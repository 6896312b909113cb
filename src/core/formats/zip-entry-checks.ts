// The central directory's refusals: hostile names, duplicates, entries past the directory or overlapping.
import type { ZipEntry, ZipError } from "./zip-directory.ts";

function isUnsafeName(name: string): boolean {
  // Fast path first: almost every name is a plain relative path.
  if (!name.includes("..") && name.charCodeAt(0) !== 47 && name.charCodeAt(1) !== 58 && !name.includes("\0"))
    return false;
  return (
    name.startsWith("/") ||
    /^[A-Za-z]:/.test(name) ||
    name.includes("\0") ||
    name.split(/[\\/]/).includes("..")
  );
}

export type EntryChecksInput = {
  readonly entries: readonly ZipEntry[];
  /** Each entry's name length in bytes (the local header repeats the name). */
  readonly nameLengths: Uint16Array;
  readonly centralDirectoryOffset: number;
  readonly localHeaderSize: number;
};

/** What is wrong with the entries, or undefined when nothing is. */
export function entriesError(input: EntryChecksInput): ZipError | undefined {
  return namesError(input.entries) ?? spansError(input);
}

function namesError(entries: readonly ZipEntry[]): ZipError | undefined {
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (isUnsafeName(name))
      return {
        code: "unsafe-name",
        message: `entry "${name}" has an absolute or ".." path; refusing a hostile archive`,
      };
    if (seen.has(name))
      return {
        code: "duplicate-name",
        message: `entry "${name}" appears twice; refusing an ambiguous archive`,
      };
    seen.add(name);
  }
  return undefined;
}

/**
 * A lower bound on each entry's footprint (local extra unknown here) must end before the next entry and the
 * directory. torch writes entries in file order: the order is only built (and sorted) when they are not.
 */
function spansError(input: EntryChecksInput): ZipError | undefined {
  const { entries, nameLengths, centralDirectoryOffset: cdOffset } = input;
  let order: number[] | undefined;
  for (let index = 1; index < entries.length && order === undefined; index++)
    if ((entries[index - 1] as ZipEntry).localHeaderOffset > (entries[index] as ZipEntry).localHeaderOffset)
      order = [...entries.keys()].sort(
        (a, b) => (entries[a] as ZipEntry).localHeaderOffset - (entries[b] as ZipEntry).localHeaderOffset,
      );
  const end = (at: number) => {
    const entry = entries[at] as ZipEntry;
    return (
      entry.localHeaderOffset + input.localHeaderSize + (nameLengths[at] as number) + entry.compressedSize
    );
  };
  for (let rank = 0; rank < entries.length; rank++) {
    const at = order === undefined ? rank : (order[rank] as number);
    const next = order === undefined ? rank + 1 : order[rank + 1];
    const [name, spanEnd] = [(entries[at] as ZipEntry).name, end(at)];
    if (spanEnd > cdOffset)
      return {
        code: "entry-out-of-bounds",
        message: `entry "${name}" ends at ${spanEnd}, past the central directory at ${cdOffset}; the file is damaged`,
      };
    const following = next === undefined ? undefined : entries[next];
    if (following !== undefined && spanEnd > following.localHeaderOffset)
      return {
        code: "overlapping-entries",
        message: `entries "${name}" and "${following.name}" overlap; refusing a hostile or damaged archive`,
      };
  }
  return undefined;
}
