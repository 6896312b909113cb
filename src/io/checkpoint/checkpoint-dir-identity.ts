import type { Stats } from "node:fs";
import { isSidecarFileName, isSidecarTempFileName } from "../../core/metadata/sidecar-path.ts";
import { statOrUndefined } from "../fs/fs-memo.ts";
import { type DirectoryEntry, readDirectoryEntries } from "../fs/fs-path.ts";

/** Directory checkpoints nest at most `<tag>/file` (DeepSpeed); deeper trees are not folded into the identity. */
const FOLD_DEPTH = 2;

function fold(
  path: string,
  depth: number,
  into: { size: number; mtimeMs: number },
  listed?: readonly DirectoryEntry[],
): void {
  let entries: readonly DirectoryEntry[];
  try {
    entries = listed ?? readDirectoryEntries(path);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (isSidecarFileName(entry.name) || isSidecarTempFileName(entry.name)) continue;
    const child = `${path}/${entry.name}`;
    const stats = statOrUndefined(null, child);
    if (stats === undefined) continue;
    if (stats.isFile()) {
      into.size += stats.size;
      into.mtimeMs = Math.max(into.mtimeMs, stats.mtimeMs);
    } else if (stats.isDirectory() && depth > 1) fold(child, depth - 1, into);
  }
}

/**
 * What a checkpoint directory (HF `checkpoint-N/`, Lightning sharded `.ckpt/`) is, for telling whether it changed:
 * the total size and newest mtime of its files, leaving out ckpt's own sidecar and temp files. Not the directory's
 * own mtime: writing the sidecar inside the directory changes that, and every scan read it again. `listed`: the
 * directory's listing when the caller has just read it (the walk), so it is not listed again.
 */
export function checkpointDirectoryFacts(
  path: string,
  listed?: readonly DirectoryEntry[],
): { readonly size: number; readonly mtimeMs: number } {
  const facts = { size: 0, mtimeMs: 0 };
  fold(path.replace(/\/+$/, ""), FOLD_DEPTH, facts, listed);
  return facts;
}

/**
 * A checkpoint's size and mtime as the catalog records and compares them, from its (followed) stat: a file's own,
 * a directory's folded over its files (`checkpointDirectoryFacts`). The walk, the daemon's settle step and its
 * index all ask this one rule, so a path they look at unchanged is the same to each of them.
 */
export function checkpointSizeAndMtime(
  path: string,
  stats: Stats,
  listed?: readonly DirectoryEntry[],
): { readonly size: number; readonly mtimeMs: number } {
  return stats.isDirectory()
    ? checkpointDirectoryFacts(path, listed)
    : { size: stats.size, mtimeMs: stats.mtimeMs };
}
