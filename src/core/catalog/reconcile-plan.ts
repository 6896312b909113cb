import type { FileFacts } from "./catalog-entry.ts";

/** A path as the walk found it now, or as the catalog last recorded it. */
export type ScannedFile = FileFacts & {
  /** Whether the checkpoint's sidecar exists: a sidecar appearing or vanishing makes the entry change. */
  readonly sidecar_present: boolean;
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

/** Previous primaries whose path is gone, by (dev, ino): the candidates a new path may have been renamed from. */
function vanishedByInode(
  previous: readonly ScannedFile[],
  current: ReadonlyMap<string, ScannedFile>,
): Map<string, ScannedFile> {
  const vanished = new Map<string, ScannedFile>();
  for (const row of previous) {
    if (row.alias_of === null && !current.has(row.path)) vanished.set(inodeKey(row), row);
  }
  return vanished;
}

/**
 * Compares the catalog's rows under the scanned roots with what the walk found. Pure; the scan carries it out.
 * A rename keeps its row only when (dev, ino), size and mtime all match, so a replaced file is always re-read.
 */
export function planReconcile(
  previous: readonly ScannedFile[],
  current: readonly ScannedFile[],
): ReconcilePlan {
  const before = new Map(previous.map((row) => [row.path, row]));
  const now = new Map(current.map((file) => [file.path, file]));
  const vanished = vanishedByInode(previous, now);
  const read: { file: ScannedFile; reason: ReadReason }[] = [];
  const renamed: { from: string; file: ScannedFile }[] = [];
  const aliases: { file: ScannedFile; reason: ReadReason }[] = [];
  const consumed = new Set<string>();
  let unchanged = 0;
  for (const file of current) {
    const old = before.get(file.path);
    if (file.alias_of !== null) {
      if (old !== undefined && old.alias_of === file.alias_of && sameFacts(old, file)) unchanged++;
      else aliases.push({ file, reason: old === undefined ? "added" : "changed" });
      continue;
    }
    if (old !== undefined) {
      if (old.alias_of === null && sameFacts(old, file)) unchanged++;
      else read.push({ file, reason: "changed" });
      continue;
    }
    const origin = vanished.get(inodeKey(file));
    if (origin !== undefined && !consumed.has(origin.path) && sameContent(origin, file)) {
      consumed.add(origin.path);
      renamed.push({ from: origin.path, file });
    } else {
      read.push({ file, reason: "added" });
    }
  }
  const removed = previous
    .filter((row) => !now.has(row.path) && !consumed.has(row.path))
    .map((row) => row.path);
  return { read, renamed, aliases, removed, unchanged };
}

function sameContent(a: ScannedFile, b: ScannedFile): boolean {
  return a.size === b.size && a.mtime_ms === b.mtime_ms && a.kind === b.kind;
}
