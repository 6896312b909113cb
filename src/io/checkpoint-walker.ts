import { type Dirent, lstatSync, readdirSync, type Stats, statSync } from "node:fs";
import type { ScannedFile } from "../core/catalog/reconcile-plan.ts";
import {
  checkpointExtension,
  isHfCheckpointDirName,
  isHfCheckpointMarker,
  isShardedCheckpointDirName,
  isSkippedDirectoryName,
  isStagingName,
} from "../core/discovery/checkpoint-names.ts";
import { comparePaths } from "../core/discovery/compare-paths.ts";
import { isSidecarFileName, isSidecarTempFileName, sidecarPathFor } from "../core/metadata/sidecar-path.ts";

export type CheckpointKind = "file" | "hf-dir" | "sharded-dir";

/**
 * One checkpoint found on disk, in the shape the reconcile plan compares (so a rescan of 100k makes no copies).
 * `alias_of` is set when another path already names the same (dev, ino); `sidecar_present` when the walk saw
 * its sidecar; `symlink` when the path itself is a symlink.
 */
export type FoundCheckpoint = ScannedFile & { readonly kind: CheckpointKind; readonly symlink: boolean };

export type WalkProblem = { readonly path: string; readonly code: string; readonly message: string };

export type WalkResult = {
  readonly checkpoints: FoundCheckpoint[];
  readonly sidecars: string[];
  readonly problems: WalkProblem[];
};

export type WalkOptions = {
  /** Descend into sub-directories. @default true */
  readonly recursive?: boolean;
  /**
   * Return the checkpoints in path order. The scan, which matches them by path, passes false: sorting 100k paths
   * was a sixth of a rescan. @default true
   */
  readonly ordered?: boolean;
};

/** A checkpoint while the walk runs: `aliasOf` is filled in at the end, `links` decides who may be an alias. */
type Candidate = { -readonly [K in keyof FoundCheckpoint]: FoundCheckpoint[K] } & { readonly links: number };

function describeError(path: string, error: unknown): WalkProblem {
  const code = (error as NodeJS.ErrnoException).code ?? "EIO";
  const reasons: Record<string, string> = {
    EACCES: "permission denied — ckpt skipped it; fix the permissions or run as its owner",
    EPERM: "permission denied — ckpt skipped it; fix the permissions or run as its owner",
    ENOENT: "vanished while being scanned (deleted or rotated) — nothing to do",
    ELOOP: "symbolic link loop — ckpt skipped it",
  };
  return { path, code, message: `${path}: ${reasons[code] ?? `cannot read (${code})`}` };
}

function directoryKind(path: string, name: string): CheckpointKind | null {
  if (isShardedCheckpointDirName(name)) return "sharded-dir";
  if (!isHfCheckpointDirName(name)) return null;
  try {
    return readdirSync(path).some(isHfCheckpointMarker) ? "hf-dir" : null;
  } catch {
    return null;
  }
}

function candidateFrom(kind: CheckpointKind, path: string, stats: Stats, symlink: boolean): Candidate {
  const { dev, ino, size, mtimeMs, nlink } = stats;
  return {
    kind,
    path,
    symlink,
    dev,
    ino,
    size,
    mtime_ms: mtimeMs,
    alias_of: null,
    sidecar_present: false,
    links: nlink,
  };
}

/**
 * Walks the roots and returns every checkpoint (files by extension, HF `checkpoint-N/` and Lightning sharded
 * `.ckpt/` directories as units), every sidecar, and the problems met on the way. Symlinks are followed once
 * (directory cycles are cut by (dev, ino)); paths that share a (dev, ino) are reported once plus aliases.
 * Staging files (`tmp*`, `tmp-checkpoint-*`) and our own temp files are skipped.
 */
export function walkCheckpoints(roots: readonly string[], options: WalkOptions = {}): WalkResult {
  const recursive = options.recursive ?? true;
  const candidates: Candidate[] = [];
  const sidecars: string[] = [];
  const problems: WalkProblem[] = [];
  const visitedDirectories = new Set<string>();
  const pending: string[] = [];

  for (const root of roots) {
    try {
      const stats = statSync(root);
      if (stats.isDirectory()) pending.push(root);
      else if (checkpointExtension(root) !== null) candidates.push(candidateFrom("file", root, stats, false));
      else if (isSidecarFileName(root)) sidecars.push(root);
    } catch (error) {
      problems.push(describeError(root, error));
    }
  }

  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) break;
    visitDirectory(next, { candidates, sidecars, problems, visitedDirectories, pending, recursive });
  }
  markSidecars(candidates, sidecars);
  assignAliases(candidates);
  if (options.ordered ?? true) candidates.sort((a, b) => comparePaths(a.path, b.path));
  return { checkpoints: candidates, sidecars: sidecars.sort(), problems };
}

type WalkState = {
  candidates: Candidate[];
  sidecars: string[];
  problems: WalkProblem[];
  visitedDirectories: Set<string>;
  pending: string[];
  recursive: boolean;
};

function visitDirectory(directory: string, state: WalkState): void {
  let entries: Dirent[];
  try {
    const own = statSync(directory);
    const key = `${own.dev}:${own.ino}`;
    if (state.visitedDirectories.has(key)) return;
    state.visitedDirectories.add(key);
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    state.problems.push(describeError(directory, error));
    return;
  }
  for (const entry of entries) {
    visitEntry(directory, entry, state);
  }
}

function visitEntry(directory: string, entry: Dirent, state: WalkState): void {
  const name = entry.name;
  if (isSidecarTempFileName(name)) return;
  const isFile = entry.isFile();
  // Joined by hand: the names come from readdir, so `join`'s normalisation has nothing to do (a tenth of a walk).
  const path = directory.endsWith("/") ? `${directory}${name}` : `${directory}/${name}`;
  if (isFile) {
    if (isSidecarFileName(name)) state.sidecars.push(path);
    // Only checkpoint names are stat'ed: run files, logs and images are most of some trees.
    else if (checkpointExtension(name) !== null && !isStagingName(name))
      statCandidate(path, name, false, state);
    return;
  }
  const isSymlink = entry.isSymbolicLink();
  if (entry.isDirectory() && !isSymlink) {
    if (isStagingName(name) || isSkippedDirectoryName(name)) return;
    if (isShardedCheckpointDirName(name) || isHfCheckpointDirName(name))
      statCandidate(path, name, false, state);
    else if (state.recursive) state.pending.push(path);
    return;
  }
  if (isSymlink) statCandidate(path, name, true, state);
  else if (isUnknownType(entry)) statCandidate(path, name, isSymlinkPath(path), state);
}

/** Some filesystems (older XFS, some network ones) do not say a name's type in readdir: stat decides then. */
function isUnknownType(entry: Dirent): boolean {
  return !(
    entry.isDirectory() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isBlockDevice() ||
    entry.isCharacterDevice()
  );
}

function isSymlinkPath(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Stats a checkpoint-named file or directory, or a symlink (followed once), and records what it is. */
function statCandidate(path: string, name: string, isSymlink: boolean, state: WalkState): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    state.problems.push(describeError(path, error));
    return;
  }
  if (stats.isDirectory()) {
    if (isStagingName(name) || isSkippedDirectoryName(name)) return;
    const kind = directoryKind(path, name);
    if (kind !== null) {
      state.candidates.push(candidateFrom(kind, path, stats, isSymlink));
      const sidecar = sidecarPathFor(path, { kind: "directory" });
      if (kind === "hf-dir" && existsAsFile(sidecar)) state.sidecars.push(sidecar);
      return;
    }
    if (state.recursive) state.pending.push(path);
    return;
  }
  if (!stats.isFile() || isStagingName(name) || checkpointExtension(name) === null) return;
  state.candidates.push(candidateFrom("file", path, stats, isSymlink));
}

function existsAsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A tree without sidecars (a first scan) skips working out 100k sidecar names. */
function markSidecars(candidates: Candidate[], sidecars: readonly string[]): void {
  if (sidecars.length === 0) return;
  const present = new Set(sidecars);
  for (const candidate of candidates) {
    const kind = candidate.kind === "file" ? "file" : "directory";
    candidate.sidecar_present = present.has(sidecarPathFor(candidate.path, { kind }));
  }
}

/** The primary of paths sharing an inode: a real file before a symlink, then the first in path order. */
function isBetterPrimary(candidate: Candidate, primary: Candidate): boolean {
  if (candidate.symlink !== primary.symlink) return !candidate.symlink;
  return comparePaths(candidate.path, primary.path) < 0;
}

/**
 * Paths sharing a (dev, ino) become one checkpoint plus aliases; the primary is the first real file in path order,
 * else the first symlink, whatever order the walk met them in. Only symlinks and files with more than one link can
 * share an inode, so at 100k checkpoints the inode map holds the few `last.ckpt` links and their targets.
 */
function assignAliases(candidates: Candidate[]): void {
  const shareable = new Set<number>();
  for (const candidate of candidates) {
    if (candidate.symlink || (candidate.kind === "file" && candidate.links > 1)) shareable.add(candidate.ino);
  }
  if (shareable.size === 0) return;
  const primaryByInode = new Map<string, Candidate>();
  for (const candidate of candidates) {
    if (!shareable.has(candidate.ino)) continue;
    const key = `${candidate.dev}:${candidate.ino}`;
    const primary = primaryByInode.get(key);
    if (primary === undefined || isBetterPrimary(candidate, primary)) primaryByInode.set(key, candidate);
  }
  for (const candidate of candidates) {
    if (!shareable.has(candidate.ino)) continue;
    const primary = primaryByInode.get(`${candidate.dev}:${candidate.ino}`);
    candidate.alias_of = primary === undefined || primary === candidate ? null : primary.path;
  }
}
