import { type Dirent, lstatSync, readdirSync, realpathSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { fsNameBytes, fsNameFromBytes, hasRawBytes } from "../../core/text/fs-name.ts";

// The fs boundary for names that are not valid UTF-8 (see core/text/fs-name.ts): ckpt's spelling of a path goes
// in as the bytes it stands for, and names come out of listings in that spelling. Valid names pass untouched.

/** What an fs call takes for `path`: the string itself, or its bytes when it carries raw bytes. */
export function fsPath(path: string): string | Buffer {
  return hasRawBytes(path) ? Buffer.from(fsNameBytes(path)) : path;
}

/** A directory entry: a `Dirent`, or for a name listed by its bytes, the same questions answered by `lstat`. */
export type DirectoryEntry = Pick<
  Dirent,
  | "name"
  | "isFile"
  | "isDirectory"
  | "isSymbolicLink"
  | "isFIFO"
  | "isSocket"
  | "isBlockDevice"
  | "isCharacterDevice"
>;

/**
 * `readdir` with types, names in ckpt's spelling. Only when a name came back lossily decoded (it holds U+FFFD) is
 * the directory listed again by bytes, and those names alone are `lstat`ed: the usual listing costs nothing more.
 */
export function readDirectoryEntries(directory: string): DirectoryEntry[] {
  const entries: DirectoryEntry[] = readdirSync(fsPath(directory), { withFileTypes: true });
  if (!entries.some((entry) => hasRawBytes(entry.name))) return entries;
  const exact = entries.filter((entry) => !hasRawBytes(entry.name));
  for (const raw of readdirSync(fsPath(directory), { encoding: "buffer" })) {
    const name = fsNameFromBytes(raw);
    if (!hasRawBytes(name)) continue;
    try {
      const stats = lstatSync(Buffer.concat([Buffer.from(fsNameBytes(directory)), Buffer.from("/"), raw]));
      exact.push({
        name,
        isFile: () => stats.isFile(),
        isDirectory: () => stats.isDirectory(),
        isSymbolicLink: () => stats.isSymbolicLink(),
        isFIFO: () => stats.isFIFO(),
        isSocket: () => stats.isSocket(),
        isBlockDevice: () => stats.isBlockDevice(),
        isCharacterDevice: () => stats.isCharacterDevice(),
      });
    } catch {
      // Gone since the listing: as if it had not been listed.
    }
  }
  return exact;
}

/**
 * `readDirectoryEntries` without blocking: the directory is read on another thread. A listing with a lossily
 * decoded name is read again as `readDirectoryEntries` reads it.
 */
export async function readDirectoryEntriesAsync(directory: string): Promise<DirectoryEntry[]> {
  const entries: DirectoryEntry[] = await readdir(fsPath(directory), { withFileTypes: true });
  return entries.some((entry) => hasRawBytes(entry.name)) ? readDirectoryEntries(directory) : entries;
}

/** The names in a directory, in ckpt's spelling. */
export function readDirectoryNames(directory: string): string[] {
  return readDirectoryEntries(directory).map((entry) => entry.name);
}

/** `realpath` in ckpt's spelling (a lossily decoded result is resolved again by bytes). Throws as realpath does. */
export function realPathSync(path: string): string {
  const real = realpathSync(fsPath(path));
  return hasRawBytes(real) ? fsNameFromBytes(realpathSync(fsPath(path), { encoding: "buffer" })) : real;
}

/** `realPathSync`, or null where the path cannot be resolved (gone, a loop, no permission). */
export function realPathOrNull(path: string): string | null {
  try {
    return realPathSync(path);
  } catch {
    return null;
  }
}
