import { MEGATRON_TRACKER, megatronIteration } from "../../core/checkpoint/megatron-tracker.ts";
import {
  type CheckpointDirectoryKind,
  checkpointDirectoryKind,
} from "../../core/discovery/checkpoint-dir-structure.ts";
import {
  checkpointExtension,
  isSkippedDirectoryName,
  isStagingName,
} from "../../core/discovery/checkpoint-names.ts";
import { isDeepSpeedTag, saveDirEntriesOfTag } from "../../core/formats/distributed/deepspeed-layout.ts";
import { isSidecarFileName, isSidecarTempFileName } from "../../core/metadata/sidecar-path.ts";
import type { ObjectIdentity } from "./object-identity.ts";
import { directoryIdentity } from "./read-object-directory.ts";
import type { ListedObject } from "./s3-listing.ts";

/**
 * What a directory checkpoint is judged with besides its own objects, as on disk (`read-checkpoint.ts`): a
 * DeepSpeed tag with its save dir's objects (`saveDirEntriesOfTag`: `latest`, which says the save was committed,
 * and the fp32 script); a Megatron `iter_NNNNNNN` with the tracker beside it (null when the folder holds none).
 */
export type JudgedWith =
  | { readonly kind: "deepspeed-save"; readonly tag: string; readonly beside: readonly ListedObject[] }
  | { readonly kind: "megatron-tracker"; readonly tracker: ListedObject | null };

/** One checkpoint found in a listing: an object, or the objects under a checkpoint directory's prefix. */
export type ObjectCandidate = {
  readonly key: string;
  readonly kind: "file" | CheckpointDirectoryKind;
  readonly identity: ObjectIdentity;
  /** The directory's objects (sidecars left out); null for a single object. */
  readonly members: readonly ListedObject[] | null;
  /** What it is judged with besides its objects, when the listing holds its parent; null for anything else. */
  readonly judgedWith: JudgedWith | null;
};

/** A folder of a listing: the objects directly in it and its sub-folders by name (keys have no real folders). */
type Folder = {
  /** Its key without the trailing slash (`""` for the bucket's top). */
  readonly key: string;
  readonly files: Map<string, ListedObject>;
  readonly folders: Map<string, Folder>;
};

function folderAt(key: string): Folder {
  return { key, files: new Map(), folders: new Map() };
}

function joinKey(folder: string, name: string): string {
  return folder === "" ? name : `${folder}/${name}`;
}

/** The listing's objects below `top` as a tree of folders. */
function folderTree(listed: readonly ListedObject[], top: string): Folder {
  const root = folderAt(top);
  const start = top === "" ? 0 : top.length + 1;
  for (const object of listed) {
    if (top !== "" && !object.key.startsWith(`${top}/`)) continue;
    const names = object.key.slice(start).split("/");
    let folder = root;
    for (const name of names.slice(0, -1)) {
      let next = folder.folders.get(name);
      if (next === undefined) {
        next = folderAt(joinKey(folder.key, name));
        folder.folders.set(name, next);
      }
      folder = next;
    }
    folder.files.set(names.at(-1) ?? "", object);
  }
  return root;
}

/** Every object below a folder, but ckpt's own sidecars and temp files: the checkpoint's members. */
function membersOf(folder: Folder): ListedObject[] {
  const own = [...folder.files].filter(([name]) => !isSidecarFileName(name) && !isSidecarTempFileName(name));
  return [...own.map(([, object]) => object), ...[...folder.folders.values()].flatMap(membersOf)];
}

function isCheckpointObjectName(name: string): boolean {
  return checkpointExtension(name) !== null && !isStagingName(name) && !isSidecarFileName(name);
}

function fileCandidate(object: ListedObject): ObjectCandidate {
  return { key: object.key, kind: "file", identity: object, members: null, judgedWith: null };
}

/**
 * The names of the objects beside a checkpoint folder (in its parent) that it is judged with: a DeepSpeed tag's
 * save-dir files, a Megatron iteration's tracker; none for any other folder. `entries`: the folder's own names.
 */
export function besideNames(name: string, entries: readonly string[]): string[] {
  if (isDeepSpeedTag(entries)) return saveDirEntriesOfTag(name).filter((entry) => entry !== name);
  return megatronIteration(name) === undefined ? [] : [MEGATRON_TRACKER];
}

function judgedWithOf(name: string, entries: readonly string[], parent: Folder | null): JudgedWith | null {
  const names = besideNames(name, entries);
  if (parent === null || names.length === 0) return null;
  const beside = names.flatMap((entry) => parent.files.get(entry) ?? []);
  return isDeepSpeedTag(entries)
    ? { kind: "deepspeed-save", tag: name, beside }
    : { kind: "megatron-tracker", tracker: beside[0] ?? null };
}

/**
 * The folder as one checkpoint when the one directory rule says it is one (asked with its own entries); `parent`:
 * the folder holding it, when listed.
 */
function directoryCandidate(folder: Folder, name: string, parent: Folder | null): ObjectCandidate | null {
  const entries = [...folder.files.keys(), ...folder.folders.keys()];
  const kind = checkpointDirectoryKind(name, entries);
  if (kind === null) return null;
  const members = membersOf(folder);
  const judgedWith = kind === "sharded-dir" ? judgedWithOf(name, entries, parent) : null;
  return { key: folder.key, kind, identity: directoryIdentity(members), members, judgedWith };
}

/** As the walker goes on disk: checkpoint-named objects, the outermost checkpoint folders, staging ones skipped. */
function visit(folder: Folder, found: ObjectCandidate[]): void {
  for (const [name, object] of folder.files)
    if (isCheckpointObjectName(name)) found.push(fileCandidate(object));
  for (const [name, child] of folder.folders) {
    if (isStagingName(name) || isSkippedDirectoryName(name)) continue;
    const checkpoint = directoryCandidate(child, name, folder);
    if (checkpoint !== null) found.push(checkpoint);
    else visit(child, found);
  }
}

/**
 * The checkpoints of a listing under `prefix`, as the walker finds them on disk: files named like checkpoints,
 * and folders the one directory rule (`checkpointDirectoryKind`: HF `checkpoint-N/`, sharded `.ckpt/`, DeepSpeed
 * tags, DCP dirs, sharded `save_pretrained`…) makes one checkpoint each, asked with the folder's own names.
 * Staging names (`*.tmp`, `tmp-checkpoint-N/`), skipped folders and sidecars are left out. A prefix naming a
 * folder that is itself a checkpoint (`s3://b/run/checkpoint-8`) is that one checkpoint.
 */
export function objectCandidates(listed: readonly ListedObject[], prefix: string): ObjectCandidate[] {
  const exact = listed.find((object) => object.key === prefix);
  const top = prefix.replace(/\/+$/, "");
  const tree = folderTree(listed, top);
  const found: ObjectCandidate[] = [];
  const name = top.slice(top.lastIndexOf("/") + 1);
  if (exact !== undefined && isCheckpointObjectName(name)) found.push(fileCandidate(exact));
  const isFolder = tree.files.size + tree.folders.size > 0;
  const itself = top === "" || !isFolder || isStagingName(name) ? null : directoryCandidate(tree, name, null);
  if (itself !== null) found.push(itself);
  else visit(tree, found);
  return found;
}
