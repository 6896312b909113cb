import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  classifyWatchDir,
  classifyWatchFile,
  isIgnoredWatchDirName,
  type WatchPathRole,
} from "../core/daemon/watch-paths.ts";
import { errorCodeOf } from "../core/errors/error-code.ts";
import { hasRawBytes } from "../core/text/fs-name.ts";
import { fsPath, readDirectoryEntries } from "../io/fs/fs-path.ts";
import type { WatchErrorEvent, WatchEvent, WatchStat } from "./watch-event.ts";

/** What the poller keeps per entry: `lstat`, so a relinked `last.ckpt` shows up as a change of the link. */
export type PollStat = WatchStat & { readonly isDirectory: boolean };

/** A directory entry; `directory` is undefined when the filesystem does not say (DT_UNKNOWN): a stat decides. */
export type PolledName = { readonly name: string; readonly directory: boolean | undefined };

export type PollerFs = {
  lstat(path: string): Promise<PollStat>;
  readdir(path: string): Promise<PolledName[]>;
};

export const nodePollerFs: PollerFs = {
  lstat: async (path) => {
    const stats = await lstat(fsPath(path));
    return { isDirectory: stats.isDirectory(), size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
  },
  readdir: async (path) => {
    const listed = await readdir(fsPath(path), { withFileTypes: true });
    // A name that is not valid UTF-8 came back lossily decoded: this directory is listed again by its bytes.
    const entries = listed.some((entry) => hasRawBytes(entry.name)) ? readDirectoryEntries(path) : listed;
    return entries.map((entry) => ({
      name: entry.name,
      directory: entry.isDirectory()
        ? true
        : entry.isFile() || entry.isSymbolicLink() || entry.isFIFO() || entry.isSocket()
          ? false
          : undefined,
    }));
  },
};

type TrackedFile = { stat: PollStat; readonly role: WatchPathRole };
/** One directory as last polled. Files are keyed by name (a path per file would double the poller's memory at 100k). */
export type DirectorySnapshot = {
  stat: PollStat;
  files: Map<string, TrackedFile>;
  subdirectories: Set<string>;
};

/** What a walk needs from its poller. */
export type SnapshotContext = {
  readonly fs: PollerFs;
  readonly onEvent: (event: WatchEvent) => void;
  readonly onError: (event: WatchErrorEvent) => void;
  readonly depthLimit: number;
  /** Nested targets are polled on their own, so a walk stops at them. */
  readonly isTarget: (path: string) => boolean;
  readonly isClosed: () => boolean;
  /** Paths whose fault was reported; each problem is reported once until the path reads again. */
  readonly reportedErrors: Set<string>;
};

/** One pass over one target's snapshot (directory path → snapshot). */
export type Walk = {
  readonly context: SnapshotContext;
  readonly directories: Map<string, DirectorySnapshot>;
  /** False during the baseline: build the snapshot without reporting it. */
  readonly report: boolean;
  /**
   * Stat the known files too (an active target): an in-place write does not touch its directory's mtime. An idle
   * target is polled by its directories only; a file rewritten in place there is left to the periodic reconcile.
   */
  readonly restatFiles: boolean;
  changed: boolean;
};

function sameStat(a: PollStat, b: PollStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.isDirectory === b.isDirectory;
}

function toStat(stat: PollStat): WatchStat {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
}

function fault(context: SnapshotContext, path: string, error: unknown): void {
  const code = errorCodeOf(error) ?? "unknown";
  if (code === "ENOENT" || code === "ENOTDIR" || context.reportedErrors.has(path)) return;
  context.reportedErrors.add(path);
  const message = `${path}: cannot poll (${code}); ckpt skips it until it becomes readable`;
  context.onError({ kind: "error", code, message, path });
}

export async function tryStat(context: SnapshotContext, path: string): Promise<PollStat | undefined> {
  try {
    const stat = await context.fs.lstat(path);
    context.reportedErrors.delete(path);
    return stat;
  } catch (error) {
    fault(context, path, error);
    return undefined;
  }
}

async function readNames(context: SnapshotContext, path: string): Promise<PolledName[]> {
  try {
    return (await context.fs.readdir(path)).sort((left, right) =>
      left.name < right.name ? -1 : left.name > right.name ? 1 : 0,
    );
  } catch (error) {
    fault(context, path, error);
    return [];
  }
}

function emit(walk: Walk, event: WatchEvent): void {
  walk.changed = true;
  if (walk.report && !walk.context.isClosed()) walk.context.onEvent(event);
}

function forgetDirectory(walk: Walk, path: string): void {
  const snapshot = walk.directories.get(path);
  if (snapshot === undefined) return;
  walk.directories.delete(path);
  for (const sub of snapshot.subdirectories) forgetDirectory(walk, sub);
  for (const [name, { role }] of snapshot.files)
    emit(walk, { kind: "file-removed", path: join(path, name), role });
  emit(walk, { kind: "dir-removed", path, role: classifyWatchDir(path) });
}

function isWalkedDirectory(walk: Walk, at: { path: string; name: string; depth: number }): boolean {
  return (
    !isIgnoredWatchDirName(at.name) && at.depth <= walk.context.depthLimit && !walk.context.isTarget(at.path)
  );
}

/**
 * A new entry of a polled directory. Only what the poller keeps is stat'ed: directories it descends into and files
 * with a role (checkpoints, run files), never sidecars and the like, which halves the first poll of a tree.
 */
async function addEntry(
  walk: Walk,
  snapshot: DirectorySnapshot,
  at: { dir: string; entry: PolledName; depth: number },
) {
  const { name, directory } = at.entry;
  const path = join(at.dir, name);
  const role = directory === true ? undefined : classifyWatchFile(path);
  if (directory === true && !isWalkedDirectory(walk, { path, name, depth: at.depth })) return;
  if (directory === false && role === undefined) return;
  const stat = await tryStat(walk.context, path);
  if (stat === undefined) return;
  if (stat.isDirectory) {
    if (!isWalkedDirectory(walk, { path, name, depth: at.depth })) return;
    snapshot.subdirectories.add(path);
    emit(walk, { kind: "dir-added", path, role: classifyWatchDir(path) });
    return scanDirectory(walk, { path, stat, depth: at.depth });
  }
  if (role === undefined) return;
  snapshot.files.set(name, { stat, role });
  emit(walk, { kind: "file-added", path, role, stat: toStat(stat) });
}

export async function scanDirectory(
  walk: Walk,
  at: { path: string; stat: PollStat; depth: number },
): Promise<void> {
  const snapshot: DirectorySnapshot = { stat: at.stat, files: new Map(), subdirectories: new Set() };
  walk.directories.set(at.path, snapshot);
  // A first poll of a big tree makes a promise and a stat per entry, all short-lived: a young-generation collection
  // every 20 directories keeps them from piling up into the start-up peak (as the reconcile's walk does).
  if (walk.directories.size % 20 === 0) Bun.gc(false);
  for (const entry of await readNames(walk.context, at.path))
    await addEntry(walk, snapshot, { dir: at.path, entry, depth: at.depth + 1 });
}

/** The directory's mtime changed: diff its names against the snapshot. */
async function relist(walk: Walk, snapshot: DirectorySnapshot, at: { path: string; depth: number }) {
  const entries = await readNames(walk.context, at.path);
  const names = new Set(entries.map((entry) => entry.name));
  for (const sub of [...snapshot.subdirectories])
    if (!names.has(sub.slice(sub.lastIndexOf("/") + 1))) {
      snapshot.subdirectories.delete(sub);
      forgetDirectory(walk, sub);
    }
  for (const [name, { role }] of [...snapshot.files])
    if (!names.has(name)) {
      snapshot.files.delete(name);
      emit(walk, { kind: "file-removed", path: join(at.path, name), role });
    }
  for (const entry of entries)
    if (!snapshot.files.has(entry.name) && !snapshot.subdirectories.has(join(at.path, entry.name)))
      await addEntry(walk, snapshot, { dir: at.path, entry, depth: at.depth + 1 });
}

/** In-place writes do not touch the directory's mtime, so the files worth watching are stat'ed every poll. */
async function restatFiles(walk: Walk, snapshot: DirectorySnapshot, dir: string): Promise<void> {
  for (const [name, tracked] of [...snapshot.files]) {
    const path = join(dir, name);
    const after = await tryStat(walk.context, path);
    if (after === undefined) {
      snapshot.files.delete(name);
      emit(walk, { kind: "file-removed", path, role: tracked.role });
    } else if (!sameStat(tracked.stat, after)) {
      tracked.stat = after;
      emit(walk, { kind: "file-changed", path, role: tracked.role, stat: toStat(after) });
    }
  }
}

export async function pollDirectory(walk: Walk, at: { path: string; depth: number }): Promise<void> {
  const snapshot = walk.directories.get(at.path);
  if (snapshot === undefined) return;
  const stat = await tryStat(walk.context, at.path);
  if (stat === undefined || !stat.isDirectory) return forgetDirectory(walk, at.path);
  if (!sameStat(snapshot.stat, stat)) {
    snapshot.stat = stat;
    await relist(walk, snapshot, at);
  }
  if (walk.restatFiles) await restatFiles(walk, snapshot, at.path);
  for (const sub of [...snapshot.subdirectories])
    await pollDirectory(walk, { path: sub, depth: at.depth + 1 });
}
