import { lstatSync, type Stats } from "node:fs";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { checkpointDirectoryFacts } from "../checkpoint/checkpoint-dir-identity.ts";
import { fsPath } from "../fs/fs-path.ts";
import type { DirectoryListings, ListedType } from "./directory-listings.ts";

/** The path's own stats (a symlink as itself), or null when it is not there. */
export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(fsPath(path));
  } catch {
    return null;
  }
}

/**
 * How a catalogued checkpoint differs from what is on disk now, or null when the row still describes it: the
 * same kind, inode, size and mtime (a directory checkpoint's: the size and newest mtime of its files, as the
 * scan records them). A catalog that is behind must not decide what to delete. `looked`: the stats already taken.
 */
export function changeSinceCatalogued(entry: CatalogEntry, looked?: Stats | null): string | null {
  const stats = looked === undefined ? lstatOrNull(entry.path) : looked;
  if (stats === null) return "is gone from disk";
  if (stats.isSymbolicLink()) return "is a symlink now";
  const isFile = entry.kind === "file";
  if (isFile ? !stats.isFile() : !stats.isDirectory()) return `is no ${isFile ? "file" : "directory"} now`;
  if (stats.dev !== entry.dev || stats.ino !== entry.ino) return "was replaced (another inode)";
  const facts = isFile ? { size: stats.size, mtimeMs: stats.mtimeMs } : checkpointDirectoryFacts(entry.path);
  if (facts.size !== entry.size) return `changed size (${entry.size} → ${facts.size} bytes)`;
  if (facts.mtimeMs !== entry.mtime_ms) return "was modified since it was catalogued";
  return null;
}

/** Some file systems list names without their type (`DT_UNKNOWN`): such a name's kind is not known here. */
function hasKnownType(listed: ListedType): boolean {
  return (
    listed.isFile() ||
    listed.isDirectory() ||
    listed.isSymbolicLink() ||
    listed.isFIFO() ||
    listed.isSocket() ||
    listed.isBlockDevice() ||
    listed.isCharacterDevice()
  );
}

/**
 * The dry run's cheap freshness check, from its directory's listing (shared, one `readdir` per directory): a
 * catalogued checkpoint gone from disk, renamed, or now a symlink or another kind of file. A rewrite in place (new
 * size, time or inode under the same name) is not seen here: `changeSinceCatalogued` sees it before `--yes`
 * deletes. Null when the listing shows nothing wrong or the directory cannot be read.
 */
export function listedChange(entry: CatalogEntry, listings: DirectoryListings): string | null {
  const listing = listings.parentOf(entry.path);
  if (listing === null) return null;
  const listed = listing.get(entry.path.slice(entry.path.lastIndexOf("/") + 1));
  if (listed === undefined) return "is gone from disk";
  if (!hasKnownType(listed)) return null;
  if (listed.isSymbolicLink()) return "is a symlink now";
  const isFile = entry.kind === "file";
  if (isFile ? !listed.isFile() : !listed.isDirectory()) return `is no ${isFile ? "file" : "directory"} now`;
  return null;
}
