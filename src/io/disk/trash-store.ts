import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { syncDirectory } from "../fs/directory-sync.ts";
import { fsPath } from "../fs/fs-path.ts";
import {
  PAYLOAD_NAME,
  readManifest,
  SIDECAR_PAYLOAD_NAME,
  TRASH_DIR_NAME,
  type TrashManifest,
  writeManifest,
} from "./trash-manifest.ts";

/** An item being removed for good is renamed to this prefix first, so a half-removed tree is never an item. */
const DISCARDING_PREFIX = ".discarding-";

export type TrashItem = { readonly dir: string; readonly manifest: TrashManifest };

/** The trash at a directory: `<dir>/.ckpt-trash` (a root's, or a mount point's below it: see trash-places.ts). */
export function trashDirOf(root: string): string {
  return `${root.replace(/\/+$/, "")}/${TRASH_DIR_NAME}`;
}

function errorText(error: unknown): string {
  const code = errorCodeOf(error);
  if (code === "EXDEV")
    return "is on another filesystem than the trash (no mount table says where its filesystem starts); prune it with a DIR on its own filesystem";
  if (code === "EACCES" || code === "EPERM")
    return "permission denied; fix the permissions or run as its owner";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Moves a checkpoint (and its sidecar) into an item of the trash: the manifest first, then the checkpoint (the
 * commit point: one rename), then the sidecar. A failure before the checkpoint moved leaves nothing behind.
 */
export function moveIntoTrash(trashDir: string, manifest: TrashManifest): Result<string, string> {
  const itemDir = `${trashDir}/${manifest.id}`;
  try {
    mkdirSync(fsPath(trashDir), { recursive: true, mode: 0o700 });
    mkdirSync(fsPath(itemDir), { mode: 0o700 });
    writeManifest(itemDir, manifest);
    syncDirectory(trashDir);
  } catch (error) {
    rmSync(fsPath(itemDir), { recursive: true, force: true });
    return fail(`${trashDir}: ${errorText(error)}`);
  }
  try {
    renameSync(fsPath(manifest.original), fsPath(`${itemDir}/${PAYLOAD_NAME}`));
  } catch (error) {
    rmSync(fsPath(itemDir), { recursive: true, force: true });
    return fail(`${manifest.original} ${errorText(error)}`);
  }
  moveSidecarIn(itemDir, manifest);
  syncDirectory(dirname(manifest.original));
  syncDirectory(itemDir);
  return ok(itemDir);
}

function moveSidecarIn(itemDir: string, manifest: TrashManifest): void {
  if (manifest.sidecar === null || !existsSync(fsPath(manifest.sidecar))) return;
  try {
    renameSync(fsPath(manifest.sidecar), fsPath(`${itemDir}/${SIDECAR_PAYLOAD_NAME}`));
  } catch {
    // The checkpoint is gone; a sidecar that cannot move is an orphan `ckpt validate` reports.
  }
}

/** Removes an item for good: renamed aside first, so an interruption leaves no half-removed item. */
export function discardItem(itemDir: string): void {
  const parent = dirname(itemDir);
  const aside = `${parent}/${DISCARDING_PREFIX}${itemDir.slice(parent.length + 1)}`;
  renameSync(fsPath(itemDir), fsPath(aside));
  rmSync(fsPath(aside), { recursive: true, force: true });
}

/** The items `--trash` kept in a trash directory (their manifests), oldest first; none when there is no trash. */
export function listTrash(trashDir: string): TrashItem[] {
  let names: string[] = [];
  try {
    names = readdirSync(fsPath(trashDir));
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith(DISCARDING_PREFIX))
    .flatMap((name) => {
      const manifest = readManifest(`${trashDir}/${name}`);
      // A deletion an interrupted prune left half done is no trash item: the next prune finishes it.
      return manifest === null || manifest.mode !== "trash" ? [] : [{ dir: `${trashDir}/${name}`, manifest }];
    })
    .sort((a, b) => a.manifest.trashed_at - b.manifest.trashed_at || a.dir.localeCompare(b.dir));
}

/** Moves an item back where it came from; refused when something is there now. */
export function restoreItem(item: TrashItem): Result<string, string> {
  const { original, sidecar } = item.manifest;
  const sidecarPayload = `${item.dir}/${SIDECAR_PAYLOAD_NAME}`;
  const hasSidecar = sidecar !== null && existsSync(fsPath(sidecarPayload));
  if (existsSync(fsPath(original)) || (hasSidecar && existsSync(fsPath(sidecar))))
    return fail(`${original}: not restored, something is there now; move it away and restore again`);
  try {
    mkdirSync(fsPath(dirname(original)), { recursive: true });
    renameSync(fsPath(`${item.dir}/${PAYLOAD_NAME}`), fsPath(original));
    if (hasSidecar) renameSync(fsPath(sidecarPayload), fsPath(sidecar));
    syncDirectory(dirname(original));
    discardItem(item.dir);
    return ok(original);
  } catch (error) {
    return fail(`${original}: not restored, ${errorText(error)}`);
  }
}

export type TrashRecovery = {
  /** Checkpoints in the trash whose path is still empty: their catalog rows must go (the caller drops them). */
  readonly committed: readonly string[];
  /** Moves that never happened: the item was removed and the checkpoint is where it was. */
  readonly undone: readonly string[];
};

/**
 * Finishes what an interrupted prune left in a trash: a moved checkpoint gets its sidecar moved after it and its
 * row dropped (by the caller), and is removed when it was a deletion; an item whose checkpoint never moved is
 * removed; half-removed items are removed.
 */
export function recoverTrash(trashDir: string): TrashRecovery {
  const committed: string[] = [];
  const undone: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(fsPath(trashDir));
  } catch {
    return { committed, undone };
  }
  for (const name of names) {
    const dir = `${trashDir}/${name}`;
    if (name.startsWith(DISCARDING_PREFIX)) {
      rmSync(fsPath(dir), { recursive: true, force: true });
      continue;
    }
    const manifest = readManifest(dir);
    const moved = existsSync(fsPath(`${dir}/${PAYLOAD_NAME}`));
    if (manifest === null || !moved) {
      if (!moved) rmSync(fsPath(dir), { recursive: true, force: true });
      if (manifest !== null) undone.push(manifest.original);
      continue;
    }
    moveSidecarIn(dir, manifest);
    // A path that holds something again was restored or rewritten since: its row is current.
    if (!existsSync(fsPath(manifest.original))) committed.push(manifest.original);
    if (manifest.mode === "delete") discardItem(dir);
  }
  return { committed, undone };
}
