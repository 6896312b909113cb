import { lstatSync, type Stats, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { specialFileKind } from "../checkpoint/file-byte-source.ts";
import { type FsMemo, isSymlink, realPathOf, remember } from "../fs/fs-memo.ts";
import { fsPath } from "../fs/fs-path.ts";
import { isWithin, pathUnderRoot } from "../scan/walk-paths.ts";
import { readSidecar, type SidecarWriteError, writeSidecar } from "./sidecar-store.ts";

/** A checkpoint as far as its sidecar's place goes. */
export type SidecarSubject = Pick<ScannedFile, "path" | "kind" | "sidecar_present"> & {
  readonly symlink?: boolean | undefined;
};

export type PlacementOptions = {
  /** The root the checkpoint was found under: a directory, or the checkpoint itself when it was named alone. */
  readonly scanRoot: string;
  readonly memo?: FsMemo | undefined;
};

type Base = { readonly lexical: string; readonly real: string };

/** The directory sidecars may be written under for a root: the root, or a named checkpoint's own directory. */
function baseOf(options: PlacementOptions): Base {
  const key = `sidecar-base:${options.scanRoot}`;
  const known = options.memo?.derived.get(key) as Base | undefined;
  if (known !== undefined) return known;
  let isDirectory = false;
  try {
    isDirectory = statSync(fsPath(options.scanRoot)).isDirectory();
  } catch {}
  const lexical = resolve(isDirectory ? options.scanRoot : dirname(options.scanRoot));
  const base = { lexical, real: realPathOf(null, lexical) };
  remember(options.memo?.derived, key, base);
  return base;
}

/**
 * Where a checkpoint's sidecar is looked for, and the only place it may be written: beside the checkpoint (inside
 * a checkpoint directory), or, for a symlink without a sidecar of its own whose target lies under the root, the
 * target's (a Lightning `last.ckpt` shares it). A target outside the root never gets one: the link's place is used.
 */
export function sidecarLocation(file: SidecarSubject, options: PlacementOptions): string {
  const own = ownSidecarPath(file);
  if (file.sidecar_present || !(file.symlink ?? isSymlink(file.path))) return own;
  const target = realPathOf(null, file.path);
  const inside = target !== resolve(file.path) && isWithin(target, baseOf(options).real);
  return inside ? ownSidecarPath({ path: target, kind: file.kind }) : own;
}

function refused(sidecar: string, why: string): SidecarWriteError {
  return {
    code: "refused",
    path: sidecar,
    message: `${sidecar}: not written, ${why}; ckpt writes sidecars only in real directories under the directories it is given, and never over another user's file`,
  };
}

function isOwnSidecar(sidecar: string): boolean {
  const read = readSidecar(sidecar);
  return read.success && isWrittenByCkpt(read.data.data);
}

/** Why an existing file at the sidecar's path must not be replaced; null when there is none or it may be. */
function existingProblem(sidecar: string): string | null {
  let stats: Stats;
  try {
    stats = lstatSync(fsPath(sidecar));
  } catch {
    return null;
  }
  if (stats.isSymbolicLink()) return "a symlink is in its place (ckpt replaces only regular files)";
  if (!stats.isFile())
    return `${stats.isDirectory() ? "a directory" : specialFileKind(stats)} is in its place`;
  const euid = process.geteuid?.();
  if (euid === undefined || stats.uid === euid || isOwnSidecar(sidecar)) return null;
  return `the file there belongs to uid ${stats.uid} and was not written by ckpt`;
}

/**
 * The one decision of whether ckpt may create or replace a checkpoint's sidecar, and where: at `sidecarLocation`,
 * if its directory lies under the root by its real path and is reached without a symlinked directory (the path
 * below the root is its real path), and any file already there is a regular file the user running ckpt owns or
 * that ckpt wrote. Anything else is refused with why; the caller keeps the metadata elsewhere (the catalog).
 */
export function decideSidecarWrite(
  file: SidecarSubject,
  options: PlacementOptions,
): Result<{ readonly path: string }, SidecarWriteError> {
  const sidecar = sidecarLocation(file, options);
  const directory = dirname(resolve(sidecar));
  const base = baseOf(options);
  const below = pathUnderRoot(base.lexical, directory) ?? pathUnderRoot(base.real, directory);
  if (below === null) return fail(refused(sidecar, `${directory} is outside ${base.lexical}`));
  // Looked at afresh for each write: a directory swapped for a symlink during a scan must not be trusted.
  const real = realPathOf(null, directory);
  if (real !== join(base.real, below))
    return fail(refused(sidecar, `${directory} is reached through a symlink (it is ${real})`));
  const problem = existingProblem(sidecar);
  return problem === null ? ok({ path: sidecar }) : fail(refused(sidecar, problem));
}

/** `writeSidecar` at the place `decideSidecarWrite` allows, or its refusal: how every ckpt command writes one. */
export function writeCheckpointSidecar(
  file: SidecarSubject,
  metadata: CheckpointMetadataV1,
  options: PlacementOptions & { readonly force: boolean },
): Result<{ readonly path: string }, SidecarWriteError> {
  const decided = decideSidecarWrite(file, options);
  if (!decided.success) return decided;
  return writeSidecar(decided.data.path, metadata, { force: options.force });
}
