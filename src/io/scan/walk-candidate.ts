import { lstatSync, type Stats } from "node:fs";
import { basename } from "node:path";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import type { AliasCandidate } from "../../core/discovery/checkpoint-aliases.ts";
import {
  type CheckpointDirectoryKind,
  checkpointDirectoryKind,
} from "../../core/discovery/checkpoint-dir-structure.ts";
import { isHfCheckpointDirName, isShardedCheckpointDirName } from "../../core/discovery/checkpoint-names.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { DIRECTORY_SIDECAR_NAME, ownSidecarPath, sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import { checkpointSizeAndMtime } from "../checkpoint/checkpoint-dir-identity.ts";
import { type DirectoryEntry, fsPath, readDirectoryEntries } from "../fs/fs-path.ts";
import { NOT_FOLLOWED } from "./root-scope.ts";

// What one name met by the walk becomes: its checkpoint kind, its row-shaped facts, or the problem it posed.

export type CheckpointKind = "file" | "hf-dir" | "sharded-dir";

/**
 * One checkpoint found on disk, in the shape the reconcile plan compares (so a rescan of 100k makes no copies).
 * `alias_of` is set when another path already names the same (dev, ino); `sidecar_present` when the walk saw
 * its sidecar; `symlink` when the path itself is a symlink.
 */
export type FoundCheckpoint = ScannedFile & { readonly kind: CheckpointKind; readonly symlink: boolean };

/**
 * A checkpoint as the walk meets it: `alias_of` is decided later, `links` says who may be an alias; the walk sets
 * `unfinishedMarker` for a file it met in its directory's listing.
 */
export type WalkedCheckpoint = FoundCheckpoint &
  AliasCandidate & { sidecar_present: boolean; unfinishedMarker?: boolean };

export type WalkProblem = { readonly path: string; readonly code: string; readonly message: string };

/**
 * Whether a problem keeps the rows at and below its path as they are: a path that could not be read may still
 * hold its checkpoints. One that vanished, or a symlink not followed (rows an older ckpt made through it), does not.
 */
export function keepsRows(problem: WalkProblem): boolean {
  return problem.code !== "ENOENT" && problem.code !== NOT_FOLLOWED;
}

export function describeError(path: string, error: unknown): WalkProblem {
  const code = errorCodeOf(error) ?? "EIO";
  const reasons: Record<string, string> = {
    EACCES: "permission denied — ckpt skipped it; fix the permissions or run as its owner",
    EPERM: "permission denied — ckpt skipped it; fix the permissions or run as its owner",
    ENOENT: "vanished while being scanned (deleted or rotated) — nothing to do",
    ELOOP: "symbolic link loop — ckpt skipped it",
  };
  return { path, code, message: `${path}: ${reasons[code] ?? `cannot read (${code})`}` };
}

/** A directory the walk takes as one checkpoint, with its listing when it was listed to tell (so not listed again). */
export type CheckpointDirectory = {
  readonly kind: CheckpointDirectoryKind;
  readonly listing: readonly DirectoryEntry[] | undefined;
};

/**
 * The checkpoint kind of a directory, null for a plain one, or the problem when it could not be listed. `listed`:
 * its listing when the caller already has it.
 */
export function directoryKind(
  path: string,
  name: string,
  listed?: readonly DirectoryEntry[],
): CheckpointDirectory | null | WalkProblem {
  if (isShardedCheckpointDirName(name)) return { kind: "sharded-dir", listing: listed };
  let listing: readonly DirectoryEntry[];
  try {
    listing = listed ?? readDirectoryEntries(path);
  } catch (error) {
    return isHfCheckpointDirName(name) ? describeError(path, error) : null;
  }
  const kind = checkpointDirectoryKind(
    name,
    listing.map((entry) => entry.name),
  );
  return kind === null ? null : { kind, listing };
}

/** What the walk records for a checkpoint it stat'ed (followed); a directory's facts fold its files. */
export function candidateFrom(
  kind: CheckpointKind,
  path: string,
  found: {
    readonly stats: Stats;
    readonly symlink: boolean;
    readonly listing?: readonly DirectoryEntry[] | undefined;
  },
): WalkedCheckpoint {
  const { dev, ino, nlink } = found.stats;
  const { size, mtimeMs } = checkpointSizeAndMtime(path, found.stats, found.listing);
  return {
    kind,
    path,
    symlink: found.symlink,
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
 * A directory checkpoint as the walk records it. An HF directory (and one known by its files) keeps its sidecar
 * inside (`ckpt.metadata.yaml`), where the walk does not look: it is looked for here. A Lightning sharded `.ckpt/`
 * is never said to have one.
 */
export function directoryCandidate(
  path: string,
  found: CheckpointDirectory & { readonly stats: Stats; readonly symlink: boolean },
): WalkedCheckpoint {
  const candidate = candidateFrom(found.kind, path, found);
  const inside = found.kind === "hf-dir" || !isShardedCheckpointDirName(basename(path));
  const listed = found.listing?.some((entry) => entry.name === DIRECTORY_SIDECAR_NAME) ?? true;
  candidate.sidecar_present = inside && listed && existsAsFile(ownSidecarPath(candidate));
  return candidate;
}

/** A checkpoint file looked at alone, not met in its directory's listing: its sidecar is looked for here. */
export function loneFileCandidate(
  path: string,
  found: { readonly stats: Stats; readonly symlink: boolean },
): WalkedCheckpoint {
  const candidate = candidateFrom("file", path, found);
  candidate.sidecar_present = existsAsFile(ownSidecarPath(candidate));
  return candidate;
}

/**
 * One path as the walk would record it, looked at alone rather than met in its directory's listing (a path a
 * daemon event named, a catalogued checkpoint run reassembly re-reads): null for a directory the walk would
 * descend into, the problem for a `checkpoint-N/` that cannot be listed.
 */
export function candidateAt(
  path: string,
  found: { readonly stats: Stats; readonly symlink: boolean },
): WalkedCheckpoint | WalkProblem | null {
  if (!found.stats.isDirectory()) return loneFileCandidate(path, found);
  const kind = directoryKind(path, basename(path));
  return kind === null || "code" in kind ? kind : directoryCandidate(path, { ...kind, ...found });
}

/** Whether `path` is a regular file itself, as a listing's file type says (a symlink in its place is not). */
export function existsAsFile(path: string): boolean {
  try {
    return lstatSync(fsPath(path)).isFile();
  } catch {
    return false;
  }
}

/** Marks the file checkpoints whose sidecar is among `names` (this directory's); a first scan has none. */
export function markSidecars(candidates: WalkedCheckpoint[], names: readonly string[]): void {
  if (names.length === 0) return;
  const present = new Set(names);
  for (const candidate of candidates) {
    if (candidate.kind !== "file") continue;
    const name = candidate.path.slice(candidate.path.lastIndexOf("/") + 1);
    candidate.sidecar_present = present.has(sidecarPathFor(name, { kind: "file" }));
  }
}

/** Some filesystems (older XFS, some network ones) do not say a name's type in readdir: stat decides then. */
export function isUnknownType(entry: DirectoryEntry): boolean {
  return !(
    entry.isDirectory() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isBlockDevice() ||
    entry.isCharacterDevice()
  );
}
