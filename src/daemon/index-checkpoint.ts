import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { ScannedFile } from "../core/catalog/reconcile-plan.ts";
import { type PathIdentity, sameIdentity } from "../core/daemon/settle-plan.ts";
import { CatalogFacts } from "../io/catalog/catalog-facts.ts";
import { hasPrimaryRow, primaryPathsWithInode } from "../io/catalog/sqlite-path-reads.ts";
import { CheckpointUnreadableError } from "../io/checkpoint/checkpoint-unreadable-error.ts";
import { createFsMemo, realCheckpoint, realPathOf, statOrUndefined } from "../io/fs/fs-memo.ts";
import { defaultAssemble } from "../io/scan/catalog-assemble.ts";
import { type CheckpointLocation, locationUnder } from "../io/scan/checkpoint-location.ts";
import { type ReadOutcome, readOne } from "../io/scan/index-one.ts";
import { mayFollow, notFollowedMessage, type RootScope } from "../io/scan/root-scope.ts";
import { aliasRow, storeIndexed } from "../io/scan/store-indexed.ts";
import { candidateAt } from "../io/scan/walk-candidate.ts";
import { pathUnderRoot } from "../io/scan/walk-paths.ts";
import { checkPathCompleteness, statPathIdentity } from "./settle-probes.ts";

export type IndexRequest = {
  readonly path: string;
  /** The watched roots: the path's root (`checkpoint_path` in the metadata is relative to it) is found among them. */
  readonly roots: readonly string[];
  /** The roots by real path and `--follow-symlinks`: what may be read. */
  readonly scope: RootScope;
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  /** The identity the settle scheduler saw complete; a different one now means the file moved on. */
  readonly expected?: PathIdentity;
};

export type IndexResult =
  /** `location`: the checkpoint as it was found (its facts and root), for what follows its indexing. */
  | { readonly kind: "indexed"; readonly outcome: ReadOutcome; readonly location: CheckpointLocation }
  /** `target`: the read of the link's target, when the link settled first and its target was indexed through it. */
  | { readonly kind: "alias"; readonly of: string; readonly target?: ReadOutcome }
  /** The path is no longer there: treat it as removed. */
  | { readonly kind: "gone" }
  /** It changed since it settled: settle it again rather than read a file in motion. */
  | { readonly kind: "changed" }
  /** A directory the walk would descend into rather than read as one checkpoint: nothing stored. */
  | { readonly kind: "not-a-checkpoint" }
  /** Its real path is outside the roots (a symlink, or a path through a symlinked directory): left alone. */
  | { readonly kind: "not-followed"; readonly message: string }
  /** It could not be opened or read (EACCES…): nothing stored, the next reconcile tries again. */
  | { readonly kind: "unreadable"; readonly message: string };

/** Another catalogued primary path naming the same (dev, ino) that still does: this path is its alias. */
function primaryOf(database: Database, file: ScannedFile): string | null {
  for (const path of primaryPathsWithInode(database, { dev: file.dev, ino: file.ino, except: file.path })) {
    const stats = statOrUndefined(null, path);
    if (stats !== undefined && stats.dev === file.dev && stats.ino === file.ino) return path;
  }
  return null;
}

function indexAlias(database: Database, file: ScannedFile, of: string, now: number): void {
  storeIndexed(database, { indexed: [{ entry: aliasRow({ ...file, alias_of: of }, now), run: null }], now });
}

/** The real path a symlink resolves to, when that is another path inside its root; else null. */
function symlinkTargetInRoot(location: CheckpointLocation, real: string): string | null {
  if (location.file.symlink !== true || real === location.file.path) return null;
  const inside = pathUnderRoot(realPathOf(null, location.root), real);
  return inside !== null && inside !== "." ? real : null;
}

/**
 * A symlink (Lightning's `last.ckpt`) is an alias of its target, never a second primary: whichever of the two
 * settles first, the target is indexed (if it is not yet) and the link points at it, as a full scan records it.
 */
async function indexSymlink(
  database: Database,
  link: { request: IndexRequest; file: ScannedFile; target: string },
): Promise<IndexResult> {
  let target: ReadOutcome | undefined;
  if (!hasPrimaryRow(database, link.target)) {
    // Never read a target that is still being written: settle the link again, the target settles on its own.
    if (checkPathCompleteness(link.target).state !== "complete") return { kind: "changed" };
    const { expected: _expected, ...rest } = link.request;
    const indexed = await indexCheckpointPath(database, { ...rest, path: link.target });
    if (indexed.kind !== "indexed") return indexed;
    target = indexed.outcome;
  }
  indexAlias(database, link.file, link.target, link.request.now());
  return { kind: "alias", of: link.target, ...(target === undefined ? {} : { target }) };
}

/** The scan's read of one checkpoint; one that cannot be opened is `unreadable`, never a row. */
async function readSettled(
  location: CheckpointLocation,
  request: IndexRequest,
): Promise<ReadOutcome | { readonly unreadable: string }> {
  try {
    return await readOne(location, {
      sidecars: request.sidecars,
      now: request.now,
      assemble: defaultAssemble,
      // For this checkpoint only: the locator and the run-file reader look at the same directories and files.
      memo: createFsMemo("checkpoint"),
    });
  } catch (error) {
    if (error instanceof CheckpointUnreadableError) return { unreadable: error.message };
    throw error;
  }
}

/** A checkpoint found on disk: where (its facts and root), its real path, and how many names its inode has. */
export type LocatedCheckpoint = {
  readonly location: CheckpointLocation;
  readonly real: string;
  readonly links: number;
};

type NotFound = Extract<IndexResult, { kind: "gone" | "not-followed" | "not-a-checkpoint" | "unreadable" }>;

/**
 * A path as the walk would record it now, under its root, for the daemon's events and run reassembly alike; or
 * why it is not there to read. With `scope`, the walk's rule too: only what really lies inside the roots is read.
 */
export function locateCheckpoint(
  path: string,
  roots: readonly string[],
  scope?: RootScope,
): LocatedCheckpoint | NotFound {
  const seen = realCheckpoint(null, path);
  const { stats } = seen;
  // A FIFO, socket or device is never a checkpoint (and is never opened): as far as the catalog goes, not there.
  if (stats === undefined || !(stats.isFile() || stats.isDirectory())) return { kind: "gone" };
  if (scope !== undefined && !mayFollow(scope, seen.path))
    return { kind: "not-followed", message: notFollowedMessage(path, seen.path) };
  const file = candidateAt(path, { stats, symlink: seen.symlink });
  if (file === null) return { kind: "not-a-checkpoint" };
  if ("code" in file) return { kind: "unreadable", message: file.message };
  return { location: locationUnder(file, roots), real: seen.path, links: file.links };
}

/** The path an event named, found as it settled: a different identity now means it moved on (`changed`). */
function findSettled(request: IndexRequest): LocatedCheckpoint | NotFound | { readonly kind: "changed" } {
  const found = locateCheckpoint(request.path, request.roots, request.scope);
  if ("kind" in found || request.expected === undefined) return found;
  const { file } = found.location;
  const identity = { size: file.size, mtimeMs: file.mtime_ms, ino: file.ino };
  return sameIdentity(identity, request.expected) ? found : { kind: "changed" };
}

/**
 * Indexes one settled checkpoint: the scan's per-entry read (a valid current sidecar is used, else the checkpoint
 * and its run files are read and, with `--sidecars write`, a sidecar written) and one catalog transaction. A
 * symlink or hard link to a checkpoint already catalogued becomes an alias row.
 */
export async function indexCheckpointPath(database: Database, request: IndexRequest): Promise<IndexResult> {
  const found = findSettled(request);
  if ("kind" in found) return found;
  const { location } = found;
  const target = symlinkTargetInRoot(location, found.real);
  if (target !== null) return indexSymlink(database, { request, file: location.file, target });
  const primary = found.links > 1 ? primaryOf(database, location.file) : null;
  if (primary !== null) {
    indexAlias(database, location.file, primary, request.now());
    return { kind: "alias", of: primary };
  }
  const outcome = await readSettled(location, request);
  // Deleted between the look and the read (an `rm -rf` of the run mid-index): gone, not a failed read.
  if ("unreadable" in outcome)
    return statPathIdentity(request.path) === undefined
      ? { kind: "gone" }
      : { kind: "unreadable", message: outcome.unreadable };
  storeIndexed(database, { indexed: [outcome], now: request.now() });
  return { kind: "indexed", outcome, location };
}

/**
 * A watcher event showed a catalogued checkpoint changing and the settle step found it incomplete (truncated,
 * or rewritten in place): its row is read again now, so it says incomplete or corrupt at once instead of "ok"
 * until the next reconcile. Null when the path has no row of its own or still matches it.
 */
export async function recheckChanged(database: Database, request: IndexRequest): Promise<IndexResult | null> {
  const row = new CatalogFacts(database).rowAt(request.path);
  if (row === null || row.alias_of !== null) return null;
  const identity = statPathIdentity(request.path);
  if (identity === undefined || (identity.size === row.size && identity.mtimeMs === row.mtime_ms))
    return null;
  const { expected: _expected, ...unchecked } = request;
  return indexCheckpointPath(database, unchecked);
}
