import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";

/** One entry of a directory tree, as far as "did anything change?" goes. */
export type TreeEntry = {
  readonly path: string;
  readonly type: "file" | "directory" | "symlink" | "other";
  readonly mode: number;
  readonly size: number;
  /** Nanoseconds, as text: a temp file created and removed again still moves its directory's mtime. */
  readonly mtime: string;
  /** sha256 of a file's bytes, a symlink's target. */
  readonly content: string | null;
};

function typeOf(stats: ReturnType<typeof lstatSync>): TreeEntry["type"] {
  if (stats?.isSymbolicLink()) return "symlink";
  if (stats?.isDirectory()) return "directory";
  return stats?.isFile() ? "file" : "other";
}

/**
 * Every name under `root` (the root included) with its type, mode, size, mtime and content hash, sorted by path:
 * two snapshots are equal exactly when nothing in the tree was created, removed, renamed, touched or rewritten.
 */
export function snapshotTree(root: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const visit = (path: string): void => {
    const stats = lstatSync(path, { bigint: true });
    const type = typeOf(lstatSync(path));
    const content =
      type === "file"
        ? createHash("sha256").update(readFileSync(path)).digest("hex")
        : type === "symlink"
          ? readlinkSync(path)
          : null;
    entries.push({
      path: relative(root, path) || ".",
      type,
      mode: Number(stats.mode),
      size: Number(stats.size),
      mtime: stats.mtimeNs.toString(),
      content,
    });
    if (type === "directory") for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
