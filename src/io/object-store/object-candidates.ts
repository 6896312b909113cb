import {
  checkpointExtension,
  isHfCheckpointDirName,
  isHfCheckpointMarker,
  isShardedCheckpointDirName,
  isSkippedDirectoryName,
  isStagingName,
} from "../../core/discovery/checkpoint-names.ts";
import { isSidecarFileName } from "../../core/metadata/sidecar-path.ts";
import type { ObjectIdentity } from "./object-identity.ts";
import { directoryIdentity } from "./read-object-directory.ts";
import type { ListedObject } from "./s3-listing.ts";

/** One checkpoint found in a listing: an object, or the objects under a checkpoint directory's prefix. */
export type ObjectCandidate = {
  readonly key: string;
  readonly kind: "file" | "hf-dir" | "sharded-dir";
  readonly identity: ObjectIdentity;
  /** The directory's objects (sidecars left out); null for a single object. */
  readonly members: readonly ListedObject[] | null;
};

function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** Under the prefix taken as a folder (`exp` covers `exp/…`, not `exp2/…`), or the very key. */
function isUnder(key: string, prefix: string): boolean {
  return prefix === "" || prefix.endsWith("/") || key === prefix || key.startsWith(`${prefix}/`);
}

/** Below the prefix, a folder the walker does not enter on disk: a writer's staging dir, `.git`, `__pycache__`… */
function inSkippedFolder(key: string, prefix: string): boolean {
  const folder = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  if (!key.startsWith(folder)) return false;
  const folders = key.slice(folder.length).split("/").slice(0, -1);
  return folders.some((name) => isStagingName(name) || isSkippedDirectoryName(name));
}

/** The outermost checkpoint directory a key lies in, by the names discovery uses on disk. */
function checkpointDirOf(key: string): { dirKey: string; kind: "hf-dir" | "sharded-dir" } | null {
  const parts = key.split("/");
  for (let index = 0; index < parts.length - 1; index++) {
    const name = parts[index] ?? "";
    const dirKey = parts.slice(0, index + 1).join("/");
    if (isHfCheckpointDirName(name)) return { dirKey, kind: "hf-dir" };
    if (isShardedCheckpointDirName(name)) return { dirKey, kind: "sharded-dir" };
  }
  return null;
}

function directoryCandidates(
  groups: Map<string, { kind: "hf-dir" | "sharded-dir"; members: ListedObject[] }>,
) {
  return [...groups].flatMap(([dirKey, group]): ObjectCandidate[] => {
    const direct = group.members.filter((member) => !member.key.slice(dirKey.length + 1).includes("/"));
    const marked =
      group.kind === "sharded-dir" || direct.some((member) => isHfCheckpointMarker(baseName(member.key)));
    if (!marked || isStagingName(baseName(dirKey))) return [];
    return [
      { key: dirKey, kind: group.kind, identity: directoryIdentity(group.members), members: group.members },
    ];
  });
}

/**
 * The checkpoints of a listing under `prefix`, as the walker finds them on disk: files named like checkpoints, and
 * `checkpoint-N/` (with a Hugging Face marker) or Lightning sharded `NAME.ckpt/` directories as one checkpoint
 * each; staging names (`*.tmp`, `tmp-checkpoint-N/`) and sidecars are skipped.
 */
export function objectCandidates(listed: readonly ListedObject[], prefix: string): ObjectCandidate[] {
  const files: ObjectCandidate[] = [];
  const groups = new Map<string, { kind: "hf-dir" | "sharded-dir"; members: ListedObject[] }>();
  for (const object of listed) {
    if (!isUnder(object.key, prefix) || isSidecarFileName(baseName(object.key))) continue;
    if (inSkippedFolder(object.key, prefix)) continue;
    const dir = checkpointDirOf(object.key);
    if (dir !== null) {
      const group = groups.get(dir.dirKey) ?? { kind: dir.kind, members: [] };
      group.members.push(object);
      groups.set(dir.dirKey, group);
    } else if (checkpointExtension(baseName(object.key)) !== null && !isStagingName(baseName(object.key)))
      files.push({ key: object.key, kind: "file", identity: object, members: null });
  }
  return [...files, ...directoryCandidates(groups)];
}
