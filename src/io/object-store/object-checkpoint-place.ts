import { type CheckpointMetadataV1, isMetadataFloatPath } from "../../core/metadata/metadata-schema.ts";
import { stringifyPythonYaml } from "../../core/metadata/python-yaml-writer.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { CheckpointUnreadableError } from "../checkpoint/checkpoint-unreadable-error.ts";
import type { ObjectLocation } from "../scan/checkpoint-location.ts";
import { type CheckpointPlace, MISSING, type SidecarLook } from "../scan/checkpoint-place.ts";
import type { AssembledCheckpoint } from "../scan/index-one.ts";
import { sidecarLookOf } from "../sidecar/sidecar-look.ts";
import type { SidecarWriteError } from "../sidecar/sidecar-store.ts";
import { parseSidecarText } from "../sidecar/sidecar-store.ts";
import { withIdentity } from "./object-location.ts";
import { objectMetadata } from "./object-metadata.ts";
import { readObjectCheckpoint } from "./read-object-checkpoint.ts";
import { readObjectDirectory } from "./read-object-directory.ts";
import type { S3Store } from "./s3-store.ts";

/**
 * The sidecar object next to the checkpoint, when the listing showed one, judged as a sidecar file is
 * (`sidecarLookOf`): one that vanished since the listing is missing; one that cannot be fetched or parsed is kept
 * and reported. Objects have no run files to outdate a sidecar.
 */
async function lookInStore(store: S3Store, location: ObjectLocation): Promise<SidecarLook> {
  if (!location.file.sidecar_present) return MISSING;
  const url = store.urlOf(location.sidecar);
  const text = await store.getText(location.sidecar);
  const read = text.success
    ? parseSidecarText(url, text.data)
    : fail({
        code: text.error.code === "not-found" ? ("not-found" as const) : ("unreadable" as const),
        path: url,
        message: `${text.error.message}; the catalog uses the checkpoint instead of its sidecar`,
      });
  return sidecarLookOf(read, { name: url, file: location.file, outdated: false });
}

/**
 * The checkpoint's bytes with ranged GETs pinned to the listing's ETag (an object replaced meanwhile is read again,
 * and the location then carries the version read). An object that cannot be read (403, network, 503 after retries)
 * is not a verdict on it: no row, like a local file that cannot be opened.
 */
async function assembleObject(
  store: S3Store,
  location: ObjectLocation,
): Promise<{ readonly assembled: AssembledCheckpoint; readonly location: ObjectLocation }> {
  const read =
    location.members === null
      ? await readObjectCheckpoint(store, location.key, location.identity)
      : await readObjectDirectory(store, {
          prefix: `${location.key}/`,
          objects: location.members,
          judgedWith: location.judgedWith,
        });
  if (read.identity === null) {
    const message = read.report.error?.message ?? "unreadable";
    throw new CheckpointUnreadableError(location.file.path, message);
  }
  const built = objectMetadata(read, { relativePath: location.relativePath });
  const assembled = {
    status: read.report.status,
    metadata: built.metadata,
    problem: built.problem,
    run: null,
  };
  return { assembled, location: withIdentity(location, read.identity) };
}

/** `<key-stem>.metadata.yaml` next to the object, in one PUT; a refusal leaves the metadata in the catalog only. */
async function writeSidecarObject(
  store: S3Store,
  location: ObjectLocation,
  metadata: CheckpointMetadataV1,
): Promise<Result<{ readonly path: string }, SidecarWriteError>> {
  const url = store.urlOf(location.sidecar);
  const put = await store.putText(
    location.sidecar,
    stringifyPythonYaml(metadata, { isFloat: isMetadataFloatPath }),
  );
  if (put.success) return ok({ path: url });
  const why = put.error.code === "access-denied" ? "no permission to write it" : put.error.message;
  return fail({ code: "refused", path: url, message: `${url}: sidecar not written (${why})` });
}

/**
 * An object store as `readOne` reaches it: the sidecar object the listing showed, the ranged-GET reader over the
 * checkpoint's bytes (run files next to an object are not fetched), sidecars PUT next to the object.
 */
export function objectPlace(storeOf: (bucket: string) => S3Store): CheckpointPlace<ObjectLocation> {
  return {
    look: (location) => lookInStore(storeOf(location.bucket), location),
    sidecarRun: async () => ({ runDir: null, run: null }),
    assemble: (location) => assembleObject(storeOf(location.bucket), location),
    writeSidecar: (location, metadata) => writeSidecarObject(storeOf(location.bucket), location, metadata),
  };
}
