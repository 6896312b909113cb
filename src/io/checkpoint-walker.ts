import { type Dirent, readdirSync, type Stats, statSync } from "node:fs";
import type { ScannedFile } from "../core/catalog/reconcile-plan.ts";
import { type AliasCandidate, assignAliases, inodeKey } from "../core/discovery/checkpoint-aliases.ts";
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
import { checkpointDirectoryFacts } from "./checkpoint-dir-identity.ts";
import { isSymlink as isSymlinkPath } from "./fs-memo.ts";
import { directoryKey, joinName, outermostRoots } from "./walk-paths.ts";

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
};

/** A checkpoint as the walk meets it: `alias_of` is decided later, `links` says who may be an alias. */
export type WalkedCheckpoint = FoundCheckpoint & AliasCandidate & { sidecar_present: boolean };
type Candidate = WalkedCheckpoint;

/**
 * One directory of a streaming walk: its checkpoints (aliases not yet decided) with their sidecars marked.
 * `directory` is null for roots that are files themselves (then only those paths were looked at).
 */
export type WalkedDirectory = {
  readonly directory: string | null;
  readonly checkpoints: readonly WalkedCheckpoint[];
  /** Paths in it that could not be looked at (permission, I/O): their rows must stay as they are. */
  readonly unreadable: readonly string[];
};

export type DirectoryWalkResult = {
  /** Every sidecar seen (paths), for callers that look for orphans. */
  readonly sidecars: readonly string[];
  readonly problems: WalkProblem[];
};

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

/** The checkpoint kind of a directory, null for a plain one, or the problem when it could not be listed. */
function directoryKind(path: string, name: string): CheckpointKind | null | WalkProblem {
  if (isShardedCheckpointDirName(name)) return "sharded-dir";
  if (!isHfCheckpointDirName(name)) return null;
  try {
    return readdirSync(path).some(isHfCheckpointMarker) ? "hf-dir" : null;
  } catch (error) {
    return describeError(path, error);
  }
}

function candidateFrom(kind: CheckpointKind, path: string, stats: Stats, symlink: boolean): Candidate {
  const { dev, ino, nlink } = stats;
  const { size, mtimeMs } = kind === "file" ? stats : checkpointDirectoryFacts(path);
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
 * Walks the roots one directory at a time, handing each directory's checkpoints to `visit` as soon as it is listed
 * (see `walkDirectorySteps`).
 */
export function walkCheckpointDirectories(
  roots: readonly string[],
  options: WalkOptions & { readonly keepSidecars?: boolean },
  visit: (walked: WalkedDirectory) => void,
): DirectoryWalkResult {
  const walk = walkDirectorySteps(roots, options);
  for (;;) {
    const step = walk.next();
    if (step.done === true) return step.value;
    visit(step.value);
  }
}

/**
 * Walks the roots one directory at a time, yielding each directory's checkpoints (files by extension, HF
 * `checkpoint-N/` and Lightning sharded `.ckpt/` directories as units) as soon as it is listed, so a caller need
 * not hold the whole tree, and can let its event loop turn between directories (a 200k tree takes seconds).
 * Symlinks are followed once (directory cycles are cut by (dev, ino)). Staging files (`tmp*`,
 * `tmp-checkpoint-*`) and our own temp files are skipped.
 */
export function* walkDirectorySteps(
  roots: readonly string[],
  options: WalkOptions & { readonly keepSidecars?: boolean },
): Generator<WalkedDirectory, DirectoryWalkResult> {
  const state: WalkState = {
    batch: [],
    batchSidecars: [],
    sidecars: [],
    keepSidecars: options.keepSidecars ?? false,
    problems: [],
    visitedDirectories: new Set<string>(),
    pending: [],
    recursive: options.recursive ?? true,
  };
  for (const root of outermostRoots(roots)) {
    try {
      const stats = statSync(root);
      if (stats.isDirectory()) state.pending.push(root);
      else if (checkpointExtension(root) !== null) {
        const candidate = candidateFrom("file", root, stats, false);
        // Only the root itself was looked at, so look for its sidecar here.
        candidate.sidecar_present = existsAsFile(sidecarPathFor(root, { kind: "file" }));
        yield { directory: null, checkpoints: [candidate], unreadable: [] };
      } else if (isSidecarFileName(root) && state.keepSidecars) state.sidecars.push(root);
    } catch (error) {
      state.problems.push(describeError(root, error));
    }
  }
  while (state.pending.length > 0) {
    const next = state.pending.pop();
    if (next === undefined) break;
    const problemsBefore = state.problems.length;
    if (!visitDirectory(next, state)) continue;
    markSidecars(state.batch, state.batchSidecars);
    if (state.keepSidecars) for (const name of state.batchSidecars) state.sidecars.push(joinName(next, name));
    const unreadable = state.problems
      .slice(problemsBefore)
      .filter((problem) => problem.code !== "ENOENT")
      .map((problem) => problem.path);
    yield { directory: directoryKey(next), checkpoints: state.batch, unreadable };
    state.batch = [];
    state.batchSidecars = [];
  }
  return { sidecars: state.sidecars, problems: state.problems };
}

/**
 * Walks the roots and returns every checkpoint, every sidecar, and the problems met on the way; paths that share
 * a (dev, ino) are reported once plus aliases. For `convert` and `validate`; the catalog scan streams instead.
 */
export function walkCheckpoints(roots: readonly string[], options: WalkOptions = {}): WalkResult {
  const checkpoints: WalkedCheckpoint[] = [];
  const walked = walkCheckpointDirectories(roots, { ...options, keepSidecars: true }, (directory) => {
    checkpoints.push(...directory.checkpoints);
  });
  assignAliases(checkpoints);
  checkpoints.sort((a, b) => comparePaths(a.path, b.path));
  return { checkpoints, sidecars: [...walked.sidecars].sort(), problems: walked.problems };
}

type WalkState = {
  /** The checkpoints and the sidecar names of the directory being listed. */
  batch: Candidate[];
  batchSidecars: string[];
  readonly sidecars: string[];
  readonly keepSidecars: boolean;
  readonly problems: WalkProblem[];
  readonly visitedDirectories: Set<string>;
  readonly pending: string[];
  readonly recursive: boolean;
};

/** Lists one directory into the state's batch; false when it was seen already or could not be read. */
function visitDirectory(directory: string, state: WalkState): boolean {
  let entries: Dirent[];
  try {
    const own = statSync(directory);
    const key = inodeKey(own);
    if (state.visitedDirectories.has(key)) return false;
    state.visitedDirectories.add(key);
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    state.problems.push(describeError(directory, error));
    return false;
  }
  for (const entry of entries) {
    visitEntry(directory, entry, state);
  }
  return true;
}

function visitEntry(directory: string, entry: Dirent, state: WalkState): void {
  const name = entry.name;
  if (isSidecarTempFileName(name)) return;
  const isFile = entry.isFile();
  if (isFile && isSidecarFileName(name)) {
    // Names only: a rescan of a tree with sidecars would build 100k sidecar paths to compare names with.
    state.batchSidecars.push(name);
    return;
  }
  if (isFile) {
    // Only checkpoint names are stat'ed: run files, logs and images are most of some trees.
    if (checkpointExtension(name) !== null && !isStagingName(name))
      statCandidate(joinName(directory, name), name, false, state);
    return;
  }
  const path = joinName(directory, name);
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
    if (typeof kind === "object" && kind !== null) {
      // A `checkpoint-N/` that cannot be listed may be a checkpoint: reported, and its row left as it is.
      state.problems.push(kind);
      return;
    }
    if (kind !== null) {
      const candidate = candidateFrom(kind, path, stats, isSymlink);
      const sidecar = sidecarPathFor(path, { kind: "directory" });
      // An HF directory keeps its sidecar inside (`ckpt.metadata.yaml`), where the walk does not look.
      candidate.sidecar_present = kind === "hf-dir" && existsAsFile(sidecar);
      if (candidate.sidecar_present && state.keepSidecars) state.sidecars.push(sidecar);
      state.batch.push(candidate);
      return;
    }
    if (state.recursive) state.pending.push(path);
    return;
  }
  if (!stats.isFile() || isStagingName(name) || checkpointExtension(name) === null) return;
  state.batch.push(candidateFrom("file", path, stats, isSymlink));
}

function existsAsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Marks the file checkpoints whose sidecar is among `names` (this directory's); a first scan has none. */
function markSidecars(candidates: Candidate[], names: readonly string[]): void {
  if (names.length === 0) return;
  const present = new Set(names);
  for (const candidate of candidates) {
    if (candidate.kind !== "file") continue;
    const name = candidate.path.slice(candidate.path.lastIndexOf("/") + 1);
    candidate.sidecar_present = present.has(sidecarPathFor(name, { kind: "file" }));
  }
}
