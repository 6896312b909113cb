import { type Stats, statSync } from "node:fs";
import { basename } from "node:path";
import { assignAliases, inodeKey } from "../../core/discovery/checkpoint-aliases.ts";
import { structuralDirKind } from "../../core/discovery/checkpoint-dir-structure.ts";
import {
  checkpointExtension,
  isHfCheckpointDirName,
  isShardedCheckpointDirName,
  isSkippedDirectoryName,
  isStagingName,
} from "../../core/discovery/checkpoint-names.ts";
import { comparePaths } from "../../core/discovery/compare-paths.ts";
import {
  isSidecarFileName,
  isSidecarTempFileName,
  sidecarPathFor,
} from "../../core/metadata/sidecar-path.ts";
import { notRegularMessage } from "../checkpoint/file-byte-source.ts";
import { isSymlink as isSymlinkPath } from "../fs/fs-memo.ts";
import { type DirectoryEntry, fsPath, readDirectoryEntries, realPathSync } from "../fs/fs-path.ts";
import { mayFollow, NOT_FOLLOWED, notFollowedMessage, type RootScope, rootScopeOf } from "./root-scope.ts";
import {
  candidateFrom,
  describeError,
  directoryKind,
  existsAsFile,
  type FoundCheckpoint,
  isUnknownType,
  keepsRows,
  markSidecars,
  type WalkedCheckpoint,
  type WalkProblem,
} from "./walk-candidate.ts";
import { directoryKey, joinName, outermostRoots } from "./walk-paths.ts";

export type WalkResult = {
  readonly checkpoints: FoundCheckpoint[];
  readonly sidecars: string[];
  readonly problems: WalkProblem[];
};

export type WalkOptions = {
  /** Descend into sub-directories. @default true */
  readonly recursive?: boolean;
  /** Follow symlinks that lead out of the roots too (`--follow-symlinks`). @default false */
  readonly followSymlinks?: boolean;
};

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

type WalkState = {
  /** The checkpoints and the sidecar names of the directory being listed. */
  batch: WalkedCheckpoint[];
  batchSidecars: string[];
  readonly sidecars: string[];
  readonly keepSidecars: boolean;
  readonly problems: WalkProblem[];
  readonly visitedDirectories: Set<string>;
  readonly pending: string[];
  /** Symlinked directories inside the roots, walked last: the real directory, met first, keeps its own name. */
  readonly deferred: string[];
  /** Directories listed with their parent (see visitPlainDirectory), not yet visited. */
  readonly listed: Map<string, DirectoryEntry[]>;
  readonly recursive: boolean;
  readonly scope: RootScope;
};

/**
 * A root is walked as named (it was given on purpose); a FIFO or device given as one is said so, not read. A root
 * that is a checkpoint file is the one directory-less step it yields.
 */
function visitRoot(root: string, state: WalkState): WalkedDirectory | null {
  try {
    const stats = statSync(fsPath(root));
    if (stats.isDirectory()) state.pending.push(root);
    else if (!stats.isFile())
      state.problems.push({ path: root, code: "not-regular", message: notRegularMessage(root, stats) });
    else if (checkpointExtension(root) !== null) {
      const candidate = candidateFrom("file", root, { stats, symlink: isSymlinkPath(root) });
      // Only the root itself was looked at, so look for its sidecar here.
      candidate.sidecar_present = existsAsFile(sidecarPathFor(root, { kind: "file" }));
      return { directory: null, checkpoints: [candidate], unreadable: [] };
    } else if (isSidecarFileName(root) && state.keepSidecars) state.sidecars.push(root);
  } catch (error) {
    state.problems.push(describeError(root, error));
  }
  return null;
}

/** Walks the roots one directory at a time, handing each directory's checkpoints to `visit` (see `walkDirectorySteps`). */
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
 * `checkpoint-N/`, Lightning sharded `.ckpt/` and directories their files make checkpoints as units) as soon as it is listed, so a caller need
 * not hold the whole tree, and can let its event loop turn between directories (a 200k tree takes seconds).
 * A symlink below a root is followed only when its real path is inside a root (or with `followSymlinks`);
 * directory cycles are cut by (dev, ino). Only regular files and directories are offered. Staging files (`tmp*`,
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
    deferred: [],
    listed: new Map(),
    recursive: options.recursive ?? true,
    scope: rootScopeOf(roots, { followSymlinks: options.followSymlinks ?? false }),
  };
  for (const root of outermostRoots(roots)) {
    const file = visitRoot(root, state);
    if (file !== null) yield file;
  }
  for (let next = nextDirectory(state); next !== undefined; next = nextDirectory(state)) {
    const problemsBefore = state.problems.length;
    if (!visitDirectory(next, state)) continue;
    markSidecars(state.batch, state.batchSidecars);
    if (state.keepSidecars) for (const name of state.batchSidecars) state.sidecars.push(joinName(next, name));
    const unreadable = state.problems
      .slice(problemsBefore)
      .filter(keepsRows)
      .map((problem) => problem.path);
    yield { directory: directoryKey(next), checkpoints: state.batch, unreadable };
    state.batch = [];
    state.batchSidecars = [];
  }
  return { sidecars: state.sidecars, problems: state.problems };
}

function nextDirectory(state: WalkState): string | undefined {
  return state.pending.pop() ?? state.deferred.pop();
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

/** Lists one directory into the state's batch; false when it was seen already or could not be read. */
function visitDirectory(directory: string, state: WalkState): boolean {
  let entries: DirectoryEntry[];
  try {
    const own = statSync(fsPath(directory));
    const key = inodeKey(own);
    if (state.visitedDirectories.has(key)) return false;
    state.visitedDirectories.add(key);
    entries = state.listed.get(directory) ?? readDirectoryEntries(directory);
    state.listed.delete(directory);
  } catch (error) {
    state.problems.push(describeError(directory, error));
    return false;
  }
  for (const entry of entries) {
    visitEntry(directory, entry, state);
  }
  return true;
}

function visitEntry(directory: string, entry: DirectoryEntry, state: WalkState): void {
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
    else visitPlainDirectory(path, name, state);
    return;
  }
  if (isSymlink) statCandidate(path, name, true, state);
  else if (isUnknownType(entry)) statCandidate(path, name, isSymlinkPath(path), state);
}

/** Listed now, as its files may make it a checkpoint (DeepSpeed tag, DCP); the listing is kept for its own visit. */
function visitPlainDirectory(path: string, name: string, state: WalkState): void {
  if (!state.recursive) return;
  let entries: DirectoryEntry[];
  try {
    entries = readDirectoryEntries(path);
  } catch {
    state.pending.push(path); // its own visit says why it cannot be listed
    return;
  }
  if (structuralDirKind(entries.map((entry) => entry.name)) !== null) {
    statCandidate(path, name, false, state);
    return;
  }
  state.listed.set(path, entries);
  state.pending.push(path);
}

/** Whether a symlink the walk would use may be followed; when not, the problem says why. */
function followable(path: string, state: WalkState): boolean {
  let real: string;
  try {
    real = realPathSync(path);
  } catch (error) {
    state.problems.push(describeError(path, error));
    return false;
  }
  if (mayFollow(state.scope, real)) return true;
  state.problems.push({ path, code: NOT_FOLLOWED, message: notFollowedMessage(path, real) });
  return false;
}

/** Stats a checkpoint-named file or directory, or a symlink (followed by the root scope's rule), and records it. */
function statCandidate(path: string, name: string, isSymlink: boolean, state: WalkState): void {
  let stats: Stats;
  try {
    stats = statSync(fsPath(path));
  } catch (error) {
    state.problems.push(describeError(path, error));
    return;
  }
  if (stats.isDirectory()) {
    if (isStagingName(name) || isSkippedDirectoryName(name)) return;
    if (isSymlink && !followable(path, state)) return;
    const kind = directoryKind(path, name);
    if (typeof kind === "object" && kind !== null) {
      // A `checkpoint-N/` that cannot be listed may be a checkpoint: reported, and its row left as it is.
      state.problems.push(kind);
      return;
    }
    if (kind !== null) {
      addDirectoryCandidate({ kind, path, stats, symlink: isSymlink }, state);
      return;
    }
    if (state.recursive) (isSymlink ? state.deferred : state.pending).push(path);
    return;
  }
  if (!stats.isFile() || isStagingName(name) || checkpointExtension(name) === null) return;
  if (isSymlink && !followable(path, state)) return;
  state.batch.push(candidateFrom("file", path, { stats, symlink: isSymlink }));
}

function addDirectoryCandidate(
  found: { kind: "hf-dir" | "sharded-dir"; path: string; stats: Stats; symlink: boolean },
  state: WalkState,
): void {
  const candidate = candidateFrom(found.kind, found.path, found);
  const sidecar = sidecarPathFor(found.path, { kind: "directory" });
  // An HF directory (and one known by its files) keeps its sidecar inside (`ckpt.metadata.yaml`), where the walk does not look.
  candidate.sidecar_present =
    (found.kind === "hf-dir" || !isShardedCheckpointDirName(basename(found.path))) && existsAsFile(sidecar);
  if (candidate.sidecar_present && state.keepSidecars) state.sidecars.push(sidecar);
  state.batch.push(candidate);
}
