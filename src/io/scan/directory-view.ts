import { lstatSync, type Stats } from "node:fs";
import { join, relative, sep } from "node:path";
import type { ByteSource } from "../../core/bytes/byte-source.ts";
import type { DirectoryView } from "../../core/formats/hf-checkpoint-dir.ts";
import { type FileByteSource, openFileByteSource } from "../checkpoint/file-byte-source.ts";
import { type DirectoryEntry, fsPath, readDirectoryEntries } from "../fs/fs-path.ts";

/** Bounds a directory checkpoint's listing; real HF/sharded dirs hold tens of files, not thousands. */
const MAX_ENTRIES = 10_000;

/** Files under `root` (relative, `/`-separated), or only under its entries named in `within`. */
function listFiles(root: string, within: readonly string[] | undefined): string[] {
  const names: string[] = [];
  const pending = within === undefined ? [root] : [];
  for (const name of within ?? []) {
    const stats = statOrUndefined(join(root, name));
    if (stats?.isDirectory()) pending.push(join(root, name));
    else if (stats?.isFile()) names.push(name);
  }
  while (pending.length > 0 && names.length < MAX_ENTRIES) {
    const directory = pending.pop();
    if (directory === undefined) break;
    let entries: DirectoryEntry[];
    try {
      entries = readDirectoryEntries(directory);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) names.push(relative(root, path).split(sep).join("/"));
    }
  }
  return names.sort();
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(fsPath(path)); // as a listing sees it: a symlink is neither file nor dir
  } catch {
    return undefined;
  }
}

/**
 * A `DirectoryView` over a real directory for `fn`'s duration. Files are opened lazily and every one opened is
 * closed when `fn` returns or throws, so a caller cannot leak descriptors. `within` lists only those entries of
 * `root` (a DeepSpeed tag read with its save dir: not every other tag).
 */
export function withDirectoryView<T>(
  root: string,
  fn: (view: DirectoryView) => T,
  options: { readonly within?: readonly string[] } = {},
): T {
  const opened: FileByteSource[] = [];
  let names: readonly string[] | undefined;
  const view: DirectoryView = {
    names: () => {
      names ??= listFiles(root, options.within);
      return names;
    },
    open: (name): ByteSource | undefined => {
      const result = openFileByteSource(join(root, name));
      if (!result.success) return undefined;
      opened.push(result.data);
      return result.data;
    },
  };
  try {
    return fn(view);
  } finally {
    for (const source of opened) source.close();
  }
}
