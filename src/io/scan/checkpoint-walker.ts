import { statSync } from "node:fs";
import { assignAliases } from "../../core/discovery/checkpoint-aliases.ts";
import { checkpointExtension } from "../../core/discovery/checkpoint-names.ts";
import { comparePaths } from "../../core/discovery/compare-paths.ts";
import { isSidecarFileName } from "../../core/metadata/sidecar-path.ts";
import { notRegularMessage } from "../checkpoint/file-byte-source.ts";
import { isSymlink as isSymlinkPath } from "../fs/fs-memo.ts";
import { fsPath } from "../fs/fs-path.ts";
import { rootScopeOf } from "./root-scope.ts";
import {
  describeError,
  type FoundCheckpoint,
  keepsRows,
  loneFileCandidate,
  markSidecars,
  type WalkedCheckpoint,
  type WalkProblem,
} from "./walk-candidate.ts";
import { NO_MARKERS, visitDirectory, type WalkState } from "./walk-directory-visit.ts";
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
      const candidate = loneFileCandidate(root, { stats, symlink: isSymlinkPath(root) });
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
    markers: NO_MARKERS,
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
