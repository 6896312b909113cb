import type { Database } from "bun:sqlite";
import { lstatSync, type Stats, statSync } from "node:fs";
import { basename } from "node:path";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { ScannedFile } from "../core/catalog/reconcile-plan.ts";
import { type PathIdentity, sameIdentity } from "../core/daemon/settle-plan.ts";
import { structuralDirKind } from "../core/discovery/checkpoint-dir-structure.ts";
import { isHfCheckpointDirName, isShardedCheckpointDirName } from "../core/discovery/checkpoint-names.ts";
import { sidecarPathFor } from "../core/metadata/sidecar-path.ts";
import { CatalogFacts } from "../io/catalog/catalog-facts.ts";
import { hasPrimaryRow, primaryPathsWithInode } from "../io/catalog/sqlite-path-reads.ts";
import { checkpointDirectoryFacts } from "../io/checkpoint/checkpoint-dir-identity.ts";
import { CheckpointUnreadableError } from "../io/checkpoint/checkpoint-unreadable-error.ts";
import { createFsMemo, realPathOf } from "../io/fs/fs-memo.ts";
import { fsPath, readDirectoryNames, realPathSync } from "../io/fs/fs-path.ts";
import { defaultAssemble } from "../io/scan/catalog-assemble.ts";
import { type CheckpointLocation, locationUnder } from "../io/scan/checkpoint-location.ts";
import { type ReadOutcome, readOne } from "../io/scan/index-one.ts";
import { mayFollow, notFollowedMessage, type RootScope } from "../io/scan/root-scope.ts";
import { aliasRow, storeIndexed } from "../io/scan/store-indexed.ts";
import { pathUnderRoot } from "../io/scan/walk-paths.ts";
import { checkPathCompleteness, statPathIdentity } from "./settle-probes.ts";

export type IndexRequest = {
  readonly path: string;
  /** The watched root the path is under: `checkpoint_path` in the metadata is relative to it. */
  readonly scanRoot: string;
  /** The roots by real path and `--follow-symlinks`: what may be read. */
  readonly scope: RootScope;
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  /** The identity the settle scheduler saw complete; a different one now means the file moved on. */
  readonly expected?: PathIdentity;
};

export type IndexResult =
  | { readonly kind: "indexed"; readonly outcome: ReadOutcome }
  /** `target`: the read of the link's target, when the link settled first and its target was indexed through it. */
  | { readonly kind: "alias"; readonly of: string; readonly target?: ReadOutcome }
  /** The path is no longer there: treat it as removed. */
  | { readonly kind: "gone" }
  /** It changed since it settled: settle it again rather than read a file in motion. */
  | { readonly kind: "changed" }
  /** Its real path is outside the roots (a symlink, or a path through a symlinked directory): left alone. */
  | { readonly kind: "not-followed"; readonly message: string }
  /** It could not be opened or read (EACCES…): nothing stored, the next reconcile tries again. */
  | { readonly kind: "unreadable"; readonly message: string };

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return (
      (follow
        ? statSync(fsPath(path), { throwIfNoEntry: false })
        : lstatSync(fsPath(path), { throwIfNoEntry: false })) ?? null
    );
  } catch {
    return null;
  }
}

/** A file or checkpoint directory as the walker would report it, so the next reconcile sees it unchanged. */
export function scannedFileOf(path: string, stats: Stats, symlink?: boolean): ScannedFile {
  const name = basename(path);
  const kind = !stats.isDirectory()
    ? "file"
    : isShardedCheckpointDirName(name)
      ? "sharded-dir"
      : isHfCheckpointDirName(name)
        ? "hf-dir"
        : isStructuralCheckpointDir(path)
          ? "sharded-dir"
          : "file";
  const sidecar = sidecarPathFor(path, { kind: kind === "file" ? "file" : "directory" });
  return {
    path,
    kind,
    dev: stats.dev,
    ino: stats.ino,
    ...(kind === "file" ? { size: stats.size, mtime_ms: stats.mtimeMs } : directoryFacts(path)),
    alias_of: null,
    // As the walk sees it: a regular file, never followed (a symlink in a sidecar's place is not one).
    sidecar_present: statOrNull(sidecar, false)?.isFile() === true,
    ...(symlink === undefined ? {} : { symlink }),
  };
}

/** A directory checkpoint known by its files (DeepSpeed tag, DCP, Accelerate, PEFT): read as a whole, like `.ckpt/`. */
function isStructuralCheckpointDir(path: string): boolean {
  try {
    return structuralDirKind(readDirectoryNames(path)) !== null;
  } catch {
    return false;
  }
}

function directoryFacts(path: string): { size: number; mtime_ms: number } {
  const { size, mtimeMs } = checkpointDirectoryFacts(path);
  return { size, mtime_ms: mtimeMs };
}

/** Another catalogued primary path naming the same (dev, ino) that still does: this path is its alias. */
function primaryOf(database: Database, file: ScannedFile): string | null {
  for (const path of primaryPathsWithInode(database, { dev: file.dev, ino: file.ino, except: file.path })) {
    const stats = statOrNull(path, true);
    if (stats !== null && stats.dev === file.dev && stats.ino === file.ino) return path;
  }
  return null;
}

function indexAlias(database: Database, file: ScannedFile, of: string, now: number): void {
  storeIndexed(database, { indexed: [{ entry: aliasRow({ ...file, alias_of: of }, now), run: null }], now });
}

/** The real path a symlink resolves to, when that is another path inside the watched root; else null. */
function symlinkTargetInRoot(path: string, scanRoot: string): string | null {
  try {
    const target = realPathSync(path);
    const inside = pathUnderRoot(realPathSync(scanRoot), target);
    return target !== path && inside !== null && inside !== "." ? target : null;
  } catch {
    return null;
  }
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

/**
 * Indexes one settled checkpoint: the scan's per-entry read (a valid current sidecar is used, else the checkpoint
 * and its run files are read and, with `--sidecars write`, a sidecar written) and one catalog transaction. A
 * symlink or hard link to a checkpoint already catalogued becomes an alias row.
 */
export async function indexCheckpointPath(database: Database, request: IndexRequest): Promise<IndexResult> {
  // lstat first: for the usual regular file it is also the followed stat, so one call instead of two.
  const linkStats = statOrNull(request.path, false);
  const isSymlink = linkStats?.isSymbolicLink() === true;
  const stats = isSymlink ? statOrNull(request.path, true) : linkStats;
  // A FIFO, socket or device is never a checkpoint (and is never opened): as far as the catalog goes, not there.
  if (stats === null || !(stats.isFile() || stats.isDirectory())) return { kind: "gone" };
  if (request.expected !== undefined) {
    // A file's identity is the stat just taken; only a checkpoint directory needs the fold over its files.
    const identity = stats.isDirectory()
      ? statPathIdentity(request.path)
      : { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
    if (identity === undefined) return { kind: "gone" };
    if (!sameIdentity(identity, request.expected)) return { kind: "changed" };
  }
  // The walk's rule, for a path an event named: read only what really lies inside the roots.
  const real = realPathOf(null, request.path);
  if (!mayFollow(request.scope, real))
    return { kind: "not-followed", message: notFollowedMessage(request.path, real) };
  const file = scannedFileOf(request.path, stats, isSymlink);
  const target = isSymlink ? symlinkTargetInRoot(request.path, request.scanRoot) : null;
  if (target !== null) return indexSymlink(database, { request, file, target });
  const primary = stats.nlink > 1 ? primaryOf(database, file) : null;
  if (primary !== null) {
    indexAlias(database, file, primary, request.now());
    return { kind: "alias", of: primary };
  }
  const outcome = await readSettled(locationUnder(file, [request.scanRoot]), request);
  if ("unreadable" in outcome) return { kind: "unreadable", message: outcome.unreadable };
  storeIndexed(database, { indexed: [outcome], now: request.now() });
  return { kind: "indexed", outcome };
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
