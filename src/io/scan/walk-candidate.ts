import { lstatSync, type Stats } from "node:fs";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import type { AliasCandidate } from "../../core/discovery/checkpoint-aliases.ts";
import { structuralDirKind } from "../../core/discovery/checkpoint-dir-structure.ts";
import {
  isHfCheckpointDirName,
  isHfCheckpointMarker,
  isShardedCheckpointDirName,
} from "../../core/discovery/checkpoint-names.ts";
import { sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import { checkpointDirectoryFacts } from "../checkpoint/checkpoint-dir-identity.ts";
import { type DirectoryEntry, fsPath, readDirectoryNames } from "../fs/fs-path.ts";
import { NOT_FOLLOWED } from "./root-scope.ts";

// What one name met by the walk becomes: its checkpoint kind, its row-shaped facts, or the problem it posed.

export type CheckpointKind = "file" | "hf-dir" | "sharded-dir";

/**
 * One checkpoint found on disk, in the shape the reconcile plan compares (so a rescan of 100k makes no copies).
 * `alias_of` is set when another path already names the same (dev, ino); `sidecar_present` when the walk saw
 * its sidecar; `symlink` when the path itself is a symlink.
 */
export type FoundCheckpoint = ScannedFile & { readonly kind: CheckpointKind; readonly symlink: boolean };

/** A checkpoint as the walk meets it: `alias_of` is decided later, `links` says who may be an alias. */
export type WalkedCheckpoint = FoundCheckpoint & AliasCandidate & { sidecar_present: boolean };

export type WalkProblem = { readonly path: string; readonly code: string; readonly message: string };

/**
 * Whether a problem keeps the rows at and below its path as they are: a path that could not be read may still
 * hold its checkpoints. One that vanished, or a symlink not followed (rows an older ckpt made through it), does not.
 */
export function keepsRows(problem: WalkProblem): boolean {
  return problem.code !== "ENOENT" && problem.code !== NOT_FOLLOWED;
}

export function describeError(path: string, error: unknown): WalkProblem {
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
export function directoryKind(path: string, name: string): "hf-dir" | "sharded-dir" | null | WalkProblem {
  if (isShardedCheckpointDirName(name)) return "sharded-dir";
  try {
    const names = readDirectoryNames(path);
    if (isHfCheckpointDirName(name) && names.some(isHfCheckpointMarker)) return "hf-dir";
    // Known by its files (DeepSpeed tag, DCP, Accelerate, PEFT): read as a whole, like a sharded `.ckpt/`.
    return structuralDirKind(names) === null ? null : "sharded-dir";
  } catch (error) {
    return isHfCheckpointDirName(name) ? describeError(path, error) : null;
  }
}

export function candidateFrom(
  kind: CheckpointKind,
  path: string,
  found: { readonly stats: Stats; readonly symlink: boolean },
): WalkedCheckpoint {
  const { dev, ino, nlink } = found.stats;
  const { size, mtimeMs } = kind === "file" ? found.stats : checkpointDirectoryFacts(path);
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
