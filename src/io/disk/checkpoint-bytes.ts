import { existsSync, lstatSync, type Stats } from "node:fs";
import type { DiskBytes } from "../../core/disk/disk-usage.ts";
import { sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import { fsPath, readDirectoryNames } from "../fs/fs-path.ts";
import { joinName } from "../scan/walk-paths.ts";

/** Inodes already counted, by `dev:ino`: a hard link is counted once, where it is met first (as `du` does). */
export type CountedInodes = Set<string>;

function bytesOf(stats: Stats, counted: CountedInodes): DiskBytes {
  const key = `${stats.dev}:${stats.ino}`;
  if (counted.has(key)) return { apparent: 0, allocated: 0 };
  counted.add(key);
  return { apparent: stats.size, allocated: stats.blocks * 512 };
}

function add(a: DiskBytes, b: DiskBytes): DiskBytes {
  return { apparent: a.apparent + b.apparent, allocated: a.allocated + b.allocated };
}

/**
 * Bytes under `path` without following symlinks: a file's own, a directory's entries and everything below them
 * (a symlink counts as itself). Allocated is what the blocks take (a sparse file's holes are free), apparent the
 * sizes. Unreadable or vanished names count as nothing. `looked`: the path's stats when already taken.
 */
export function treeBytes(path: string, counted: CountedInodes, looked?: Stats | null): DiskBytes {
  let stats: Stats;
  try {
    stats = looked ?? lstatSync(fsPath(path));
  } catch {
    return { apparent: 0, allocated: 0 };
  }
  let total = bytesOf(stats, counted);
  if (!stats.isDirectory()) return total;
  let names: string[] = [];
  try {
    names = readDirectoryNames(path);
  } catch {
    return total;
  }
  for (const name of names) total = add(total, treeBytes(joinName(path, name), counted));
  return total;
}

export type CheckpointBytes = {
  readonly checkpoint: DiskBytes;
  /** The sidecar beside a file checkpoint (one inside a directory checkpoint is part of it); null when none. */
  readonly sidecar: DiskBytes | null;
};

/**
 * A catalogued checkpoint's bytes and its sidecar's. `sidecarLikely: false` (the catalog recorded none) skips the
 * look for one, and `looked` reuses the checkpoint's stats: a prune plan of 100k saves two system calls each.
 */
export function checkpointBytes(
  path: string,
  kind: "file" | "directory",
  counted: CountedInodes,
  options: { readonly sidecarLikely?: boolean; readonly looked?: Stats | null } = {},
): CheckpointBytes {
  const checkpoint = treeBytes(path, counted, options.looked);
  const sidecarLikely = options.sidecarLikely ?? true;
  if (kind === "directory" || !sidecarLikely) return { checkpoint, sidecar: null };
  const sidecar = sidecarPathFor(path, { kind });
  return { checkpoint, sidecar: existsSync(fsPath(sidecar)) ? treeBytes(sidecar, counted) : null };
}
