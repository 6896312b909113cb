import type { FileFacts } from "./catalog-entry.ts";

/** A path as the walk found it now, or as the catalog last recorded it. */
export type ScannedFile = FileFacts & {
  /** Whether the checkpoint's sidecar exists: a sidecar appearing or vanishing makes the entry change. */
  readonly sidecar_present: boolean;
  /** Whether the path itself is a symlink, when the walk knows (then readers need not look again). */
  readonly symlink?: boolean;
};

export type ReadReason = "added" | "changed";

export type ReconcilePlan = {
  /** Checkpoints whose metadata must be (re)built: new paths, or size, mtime, inode or sidecar changed. */
  readonly read: readonly { readonly file: ScannedFile; readonly reason: ReadReason }[];
  /** A known (dev, ino) under a new path, its old path gone: the row moves, nothing is re-read. */
  readonly renamed: readonly { readonly from: string; readonly file: ScannedFile }[];
  /** Hard links and symlinks to a checkpoint listed under another path: rows without metadata of their own. */
  readonly aliases: readonly { readonly file: ScannedFile; readonly reason: ReadReason }[];
  readonly removed: readonly string[];
  readonly unchanged: number;
};

function inodeKey(file: Pick<FileFacts, "dev" | "ino">): string {
  return `${file.dev}:${file.ino}`;
}

function sameFacts(a: ScannedFile, b: ScannedFile): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtime_ms === b.mtime_ms &&
    a.kind === b.kind &&
    a.sidecar_present === b.sidecar_present
  );
}

/**
 * Compares the catalog's rows under the scanned roots with what the walk found. Pure; the scan carries it out.
 * A rename keeps its row only when (dev, ino), size and mtime all match, so a replaced file is always re-read.
 * The previous rows are consumed one at a time (the scan pages them from SQLite) against one map of the walk: at
 * 100k checkpoints, holding both sides as objects was a fifth of a rescan's memory.
 */
export function planReconcile(
  previous: Iterable<ScannedFile>,
  current: readonly ScannedFile[],
): ReconcilePlan {
  const index = new Map<string, number>();
  current.forEach((file, at) => {
    index.set(file.path, at);
  });
  // Per current file: 0 new, 1 unchanged, 2 changed.
  const verdict = new Uint8Array(current.length);
  const gone: ScannedFile[] = [];
  for (const old of previous) {
    const at = index.get(old.path);
    const file = at === undefined ? undefined : current[at];
    if (at === undefined || file === undefined) {
      gone.push(old);
      continue;
    }
    const sameRole = file.alias_of === null ? old.alias_of === null : old.alias_of === file.alias_of;
    verdict[at] = sameRole && sameFacts(old, file) ? 1 : 2;
  }
  const read: { file: ScannedFile; reason: ReadReason }[] = [];
  const aliases: { file: ScannedFile; reason: ReadReason }[] = [];
  const newPaths: ScannedFile[] = [];
  let unchanged = 0;
  current.forEach((file, at) => {
    const seen = verdict[at];
    if (seen === 1) unchanged++;
    else if (file.alias_of !== null) aliases.push({ file, reason: seen === 0 ? "added" : "changed" });
    else if (seen === 2) read.push({ file, reason: "changed" });
    else newPaths.push(file);
  });
  const { renamed, consumed } = matchRenames(gone, newPaths, read);
  const removed = gone.filter((row) => !consumed.has(row.path)).map((row) => row.path);
  return { read, renamed, aliases, removed, unchanged };
}

/** New paths whose (dev, ino), size and mtime belong to a vanished primary are renames; the rest are read. */
function matchRenames(
  gone: readonly ScannedFile[],
  newPaths: readonly ScannedFile[],
  read: { file: ScannedFile; reason: ReadReason }[],
): { renamed: { from: string; file: ScannedFile }[]; consumed: Set<string> } {
  const vanished = new Map<string, ScannedFile>();
  if (newPaths.length > 0) {
    for (const row of gone) if (row.alias_of === null) vanished.set(inodeKey(row), row);
  }
  const renamed: { from: string; file: ScannedFile }[] = [];
  const consumed = new Set<string>();
  for (const file of newPaths) {
    const origin = vanished.get(inodeKey(file));
    if (origin !== undefined && !consumed.has(origin.path) && sameContent(origin, file)) {
      consumed.add(origin.path);
      renamed.push({ from: origin.path, file });
    } else {
      read.push({ file, reason: "added" });
    }
  }
  return { renamed, consumed };
}

function sameContent(a: ScannedFile, b: ScannedFile): boolean {
  return a.size === b.size && a.mtime_ms === b.mtime_ms && a.kind === b.kind;
}
