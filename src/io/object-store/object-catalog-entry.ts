import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import type { SidecarState } from "../../core/catalog/catalog-entry.ts";
import { entryFromMetadata, guessRunDir } from "../../core/catalog/entry-from-metadata.ts";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import { type CheckpointMetadataV1, isMetadataFloatPath } from "../../core/metadata/metadata-schema.ts";
import { stringifyPythonYaml } from "../../core/metadata/python-yaml-writer.ts";
import { sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import type { StoredEntry } from "../catalog/catalog-rows.ts";
import { isSidecarCurrent } from "../scan/index-one.ts";
import { parseSidecarText } from "../sidecar/sidecar-store.ts";
import { sidecarWriteVerdict } from "../sidecar/sidecar-write-policy.ts";
import type { ObjectCandidate } from "./object-candidates.ts";
import { lastModifiedMs } from "./object-identity.ts";
import { objectMetadata } from "./object-metadata.ts";
import { readObjectCheckpoint } from "./read-object-checkpoint.ts";
import { readObjectDirectory } from "./read-object-directory.ts";
import type { S3Store } from "./s3-store.ts";

export type ObjectEntryOptions = {
  readonly sidecars: SidecarMode;
  /** The key prefix scanned: `checkpoint_path` is relative to it. */
  readonly prefix: string;
  /** Keys of the sidecars the listing showed. */
  readonly sidecarKeys: ReadonlySet<string>;
  readonly now: () => number;
};

export type ObjectEntryOutcome =
  | {
      readonly kind: "entry";
      readonly entry: StoredEntry;
      readonly wrote: string | null;
      readonly warning: string | null;
    }
  /** The object could not be read (403, network, 503 after retries): not a verdict on it, so no row. */
  | { readonly kind: "failed"; readonly message: string };

function scannedFile(store: S3Store, candidate: ObjectCandidate, sidecarPresent: boolean): ScannedFile {
  const { key, kind, identity } = candidate;
  const file = { path: store.urlOf(key), kind, dev: 0, ino: 0, alias_of: null } as const;
  return {
    ...file,
    size: identity.size,
    mtime_ms: lastModifiedMs(identity),
    sidecar_present: sidecarPresent,
  };
}

type SidecarLook = {
  readonly metadata: CheckpointMetadataV1 | null;
  readonly state: SidecarState;
  readonly ours: boolean;
};

/** The sidecar object next to the checkpoint, when the listing showed one: used when valid and current. */
async function lookAtSidecar(store: S3Store, sidecarKey: string, file: ScannedFile): Promise<SidecarLook> {
  const text = await store.getText(sidecarKey);
  if (!text.success) return { metadata: null, state: "invalid", ours: false };
  const read = parseSidecarText(store.urlOf(sidecarKey), text.data);
  const data = read.success && read.data.valid ? (read.data.data ?? null) : null;
  if (data === null) return { metadata: null, state: "invalid", ours: false };
  return isSidecarCurrent(data, file)
    ? { metadata: data, state: "valid", ours: isWrittenByCkpt(data) }
    : { metadata: null, state: "stale", ours: isWrittenByCkpt(data) };
}

/** `<key-stem>.metadata.yaml` next to the object, in one PUT; a refusal leaves the metadata in the catalog only. */
async function writeSidecarObject(
  store: S3Store,
  sidecarKey: string,
  metadata: CheckpointMetadataV1,
): Promise<{ wrote: string | null; warning: string | null }> {
  const put = await store.putText(
    sidecarKey,
    stringifyPythonYaml(metadata, { isFloat: isMetadataFloatPath }),
  );
  if (put.success) return { wrote: store.urlOf(sidecarKey), warning: null };
  const why = put.error.code === "access-denied" ? "no permission to write it" : put.error.message;
  return {
    wrote: null,
    warning: `${store.urlOf(sidecarKey)}: sidecar not written (${why}); the catalog keeps its metadata`,
  };
}

/**
 * One catalog row for a checkpoint object: from its sidecar object when that is valid and current, else from its
 * bytes (ranged reads pinned to the listing's ETag); with `--sidecars write` a missing sidecar, or a stale one ckpt
 * wrote, is then written next to the object.
 */
export async function readObjectEntry(
  store: S3Store,
  candidate: ObjectCandidate,
  options: ObjectEntryOptions,
): Promise<ObjectEntryOutcome> {
  const { key, members } = candidate;
  const sidecarKey = sidecarPathFor(key, { kind: members === null ? "file" : "directory" });
  const present = options.sidecarKeys.has(sidecarKey);
  const file = scannedFile(store, candidate, present);
  const look: SidecarLook =
    options.sidecars === "off"
      ? { metadata: null, state: "off", ours: false }
      : present
        ? await lookAtSidecar(store, sidecarKey, file)
        : { metadata: null, state: "missing", ours: false };
  const indexedAt = options.now();
  const runDir = guessRunDir(file.path);
  if (look.metadata !== null) {
    const entry = entryFromMetadata({
      file,
      metadata: look.metadata,
      status: "ok",
      sidecar: "valid",
      runDir,
      indexedAt,
    });
    return {
      kind: "entry",
      entry: { ...entry, sidecar_present: true, metadata: look.metadata },
      wrote: null,
      warning: null,
    };
  }
  const read =
    members === null
      ? await readObjectCheckpoint(store, key, candidate.identity)
      : await readObjectDirectory(store, `${key}/`, members);
  if (read.identity === null)
    return { kind: "failed", message: read.report.error?.message ?? `${file.path}: unreadable` };
  const relativePath = key.slice(options.prefix.length).replace(/^\/+/, "") || key;
  const built = objectMetadata(read, { relativePath });
  const onDisk = look.state === "missing" ? "none" : look.state === "stale" && look.ours ? "ours" : "theirs";
  const writes =
    built.metadata !== null &&
    sidecarWriteVerdict({ mode: options.sidecars, onDisk, overwrite: "ours" }).kind === "write";
  const written =
    writes && built.metadata !== null ? await writeSidecarObject(store, sidecarKey, built.metadata) : null;
  const state = written?.wrote ? "valid" : look.state;
  const entry = entryFromMetadata({
    file,
    metadata: built.metadata,
    status: read.report.status,
    sidecar: state,
    runDir,
    problem: built.problem,
    indexedAt,
  });
  const stored = { ...entry, sidecar_present: present || Boolean(written?.wrote), metadata: built.metadata };
  return { kind: "entry", entry: stored, wrote: written?.wrote ?? null, warning: written?.warning ?? null };
}
