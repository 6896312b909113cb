import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  classifyWatchDir,
  classifyWatchFile,
  isIgnoredWatchDirName,
  type WatchPathRole,
} from "../core/daemon/watch-paths.ts";
import type { WatchErrorEvent, WatchEvent, WatchStat } from "./watch-event.ts";

/** What the poller keeps per entry: `lstat`, so a relinked `last.ckpt` shows up as a change of the link. */
export type PollStat = WatchStat & { readonly isDirectory: boolean };

export type PollerFs = {
  lstat(path: string): Promise<PollStat>;
  readdir(path: string): Promise<string[]>;
};

export const nodePollerFs: PollerFs = {
  lstat: async (path) => {
    const stats = await lstat(path);
    return { isDirectory: stats.isDirectory(), size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
  },
  readdir: (path) => readdir(path),
};

type TrackedFile = { stat: PollStat; readonly role: WatchPathRole };
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
  changed: boolean;
};

function sameStat(a: PollStat, b: PollStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.isDirectory === b.isDirectory;
}

function toStat(stat: PollStat): WatchStat {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
}

function fault(context: SnapshotContext, path: string, error: unknown): void {
  const code = error instanceof Error && "code" in error ? String(error.code) : "unknown";
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

async function readNames(context: SnapshotContext, path: string): Promise<string[]> {
  try {
    return (await context.fs.readdir(path)).sort();
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
  for (const [file, { role }] of snapshot.files) emit(walk, { kind: "file-removed", path: file, role });
  emit(walk, { kind: "dir-removed", path, role: classifyWatchDir(path) });
}

async function addEntry(walk: Walk, snapshot: DirectorySnapshot, at: { path: string; depth: number }) {
  const { path, depth } = at;
  const stat = await tryStat(walk.context, path);
  if (stat === undefined) return;
  if (stat.isDirectory) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (isIgnoredWatchDirName(name) || depth > walk.context.depthLimit || walk.context.isTarget(path)) return;
    snapshot.subdirectories.add(path);
    emit(walk, { kind: "dir-added", path, role: classifyWatchDir(path) });
    return scanDirectory(walk, { path, stat, depth });
  }
  const role = classifyWatchFile(path);
  if (role === undefined) return;
  snapshot.files.set(path, { stat, role });
  emit(walk, { kind: "file-added", path, role, stat: toStat(stat) });
}

export async function scanDirectory(
  walk: Walk,
  at: { path: string; stat: PollStat; depth: number },
): Promise<void> {
  const snapshot: DirectorySnapshot = { stat: at.stat, files: new Map(), subdirectories: new Set() };
  walk.directories.set(at.path, snapshot);
  for (const name of await readNames(walk.context, at.path))
    await addEntry(walk, snapshot, { path: join(at.path, name), depth: at.depth + 1 });
}

/** The directory's mtime changed: diff its names against the snapshot. */
async function relist(walk: Walk, snapshot: DirectorySnapshot, at: { path: string; depth: number }) {
  const names = new Set((await readNames(walk.context, at.path)).map((name) => join(at.path, name)));
  for (const sub of [...snapshot.subdirectories])
    if (!names.has(sub)) {
      snapshot.subdirectories.delete(sub);
      forgetDirectory(walk, sub);
    }
  for (const [file, { role }] of [...snapshot.files])
    if (!names.has(file)) {
      snapshot.files.delete(file);
      emit(walk, { kind: "file-removed", path: file, role });
    }
  for (const child of names)
    if (!snapshot.files.has(child) && !snapshot.subdirectories.has(child))
      await addEntry(walk, snapshot, { path: child, depth: at.depth + 1 });
}

/** In-place writes do not touch the directory's mtime, so the files worth watching are stat'ed every poll. */
async function restatFiles(walk: Walk, snapshot: DirectorySnapshot): Promise<void> {
  for (const [path, tracked] of [...snapshot.files]) {
    const after = await tryStat(walk.context, path);
    if (after === undefined) {
      snapshot.files.delete(path);
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
  await restatFiles(walk, snapshot);
  for (const sub of [...snapshot.subdirectories])
    await pollDirectory(walk, { path: sub, depth: at.depth + 1 });
}
