import { type Stats, statSync } from "node:fs";
import { inodeKey } from "../../core/discovery/checkpoint-aliases.ts";
import { structuralDirKind } from "../../core/discovery/checkpoint-dir-structure.ts";
import {
  checkpointExtension,
  isHfCheckpointDirName,
  isShardedCheckpointDirName,
  isSkippedDirectoryName,
  isStagingName,
} from "../../core/discovery/checkpoint-names.ts";
import { listedUnfinishedMarker, unfinishedMarkerNames } from "../../core/discovery/nemo-unfinished.ts";
import {
  isSidecarFileName,
  isSidecarTempFileName,
  ownSidecarPath,
} from "../../core/metadata/sidecar-path.ts";
import { isSymlink as isSymlinkPath } from "../fs/fs-memo.ts";
import { type DirectoryEntry, fsPath, readDirectoryEntries, realPathSync } from "../fs/fs-path.ts";
import { mayFollow, NOT_FOLLOWED, notFollowedMessage, type RootScope } from "./root-scope.ts";
import {
  type CheckpointDirectory,
  candidateFrom,
  describeError,
  directoryCandidate,
  directoryKind,
  isUnknownType,
  type WalkedCheckpoint,
  type WalkProblem,
} from "./walk-candidate.ts";
import { joinName } from "./walk-paths.ts";

// One directory of the walk: its listing, each name it holds turned into a checkpoint, a directory to visit, a
// sidecar name or a problem. The walk's order and its public shape are `checkpoint-walker.ts`'s.

export type WalkState = {
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
  /** The NeMo `-unfinished` marker names of the directory being listed (usually none). */
  markers: ReadonlySet<string>;
  readonly recursive: boolean;
  readonly scope: RootScope;
};

/** Lists one directory into the state's batch; false when it was seen already or could not be read. */
export function visitDirectory(directory: string, state: WalkState): boolean {
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
  state.markers = unfinishedMarkerNames(entries.map((entry) => entry.name));
  for (const entry of entries) {
    visitEntry(directory, entry, state);
  }
  state.markers = NO_MARKERS;
  return true;
}

export const NO_MARKERS: ReadonlySet<string> = new Set();

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
      statCandidate({ path: joinName(directory, name), name, isSymlink: false }, state);
    return;
  }
  const path = joinName(directory, name);
  const isSymlink = entry.isSymbolicLink();
  if (entry.isDirectory() && !isSymlink) {
    if (isStagingName(name) || isSkippedDirectoryName(name)) return;
    if (isShardedCheckpointDirName(name) || isHfCheckpointDirName(name))
      statCandidate({ path, name, isSymlink: false }, state);
    else visitPlainDirectory(path, name, state);
    return;
  }
  if (isSymlink) statCandidate({ path, name, isSymlink: true }, state);
  else if (isUnknownType(entry)) statCandidate({ path, name, isSymlink: isSymlinkPath(path) }, state);
}

/**
 * Listed now, as its files may make it a checkpoint (DeepSpeed tag, DCP); the listing goes on to the checkpoint's
 * kind and facts, or is kept for the directory's own visit: each directory is listed once.
 */
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
    statCandidate({ path, name, isSymlink: false, listing: entries }, state);
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

type Named = {
  readonly path: string;
  readonly name: string;
  readonly isSymlink: boolean;
  /** The directory's listing, when the walk has just read it. */
  readonly listing?: readonly DirectoryEntry[];
};

/** Stats a checkpoint-named file or directory, or a symlink (followed by the root scope's rule), and records it. */
function statCandidate(named: Named, state: WalkState): void {
  const { path, name, isSymlink } = named;
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
    const kind = directoryKind(path, name, named.listing);
    // A `checkpoint-N/` that cannot be listed may be a checkpoint: reported, and its row left as it is.
    if (kind !== null && "code" in kind) state.problems.push(kind);
    else if (kind !== null) addDirectoryCandidate(path, { ...kind, stats, symlink: isSymlink }, state);
    else if (state.recursive) (isSymlink ? state.deferred : state.pending).push(path);
    return;
  }
  if (!stats.isFile() || isStagingName(name) || checkpointExtension(name) === null) return;
  if (isSymlink && !followable(path, state)) return;
  const candidate = candidateFrom("file", path, { stats, symlink: isSymlink });
  candidate.unfinishedMarker = listedUnfinishedMarker(path, state.markers);
  state.batch.push(candidate);
}

function addDirectoryCandidate(
  path: string,
  found: CheckpointDirectory & { readonly stats: Stats; readonly symlink: boolean },
  state: WalkState,
): void {
  const candidate = directoryCandidate(path, found);
  if (candidate.sidecar_present && state.keepSidecars) state.sidecars.push(ownSidecarPath(candidate));
  state.batch.push(candidate);
}
