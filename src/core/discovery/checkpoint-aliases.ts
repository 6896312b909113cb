import { comparePaths } from "./compare-paths.ts";

/** What deciding aliases needs to know of a checkpoint path; `alias_of` is what it decides. */
export type AliasCandidate = {
  readonly path: string;
  readonly kind: "file" | "hf-dir" | "sharded-dir";
  readonly symlink: boolean;
  readonly dev: number;
  readonly ino: number;
  /** Hard links to the inode (`st_nlink`). */
  readonly links: number;
  alias_of: string | null;
};

/**
 * Only a symlink or a file with more than one hard link can share its inode with another path; every other
 * checkpoint is its own primary, which lets a walk of 100k decide aliases over the few `last.ckpt` links alone.
 */
export function isShareable(candidate: AliasCandidate): boolean {
  return candidate.symlink || (candidate.kind === "file" && candidate.links > 1);
}

/** The primary of paths sharing an inode: a real file before a symlink, then the first in path order. */
function isBetterPrimary(candidate: AliasCandidate, primary: AliasCandidate): boolean {
  if (candidate.symlink !== primary.symlink) return !candidate.symlink;
  return comparePaths(candidate.path, primary.path) < 0;
}

/** A (dev, ino) as one key: the identity paths share when they are the same file. */
export function inodeKey(file: { readonly dev: number; readonly ino: number }): string {
  return `${file.dev}:${file.ino}`;
}

/**
 * Paths sharing a (dev, ino) become one checkpoint plus aliases: each gets `alias_of` = the primary's path (the
 * first real file in path order, else the first symlink), the primary null, whatever order they come in.
 * `realTargetOf` names a checkpoint outside `candidates` that a group's symlinks point at (a file the caller
 * met elsewhere); it is the primary when the group holds no real file.
 */
export function assignAliases(
  candidates: readonly AliasCandidate[],
  realTargetOf: (symlink: AliasCandidate) => string | null = () => null,
): void {
  const shareable = new Set<number>();
  for (const candidate of candidates) if (isShareable(candidate)) shareable.add(candidate.ino);
  if (shareable.size === 0) return;
  const primaryByInode = new Map<string, AliasCandidate>();
  for (const candidate of candidates) {
    if (!shareable.has(candidate.ino)) continue;
    const key = inodeKey(candidate);
    const primary = primaryByInode.get(key);
    if (primary === undefined || isBetterPrimary(candidate, primary)) primaryByInode.set(key, candidate);
  }
  const primaryPathByInode = new Map<string, string>();
  for (const [key, primary] of primaryByInode) {
    primaryPathByInode.set(key, (primary.symlink ? realTargetOf(primary) : null) ?? primary.path);
  }
  for (const candidate of candidates) {
    if (!shareable.has(candidate.ino)) continue;
    const primaryPath = primaryPathByInode.get(inodeKey(candidate)) ?? candidate.path;
    candidate.alias_of = primaryPath === candidate.path ? null : primaryPath;
  }
}
