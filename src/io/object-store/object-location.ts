import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import type { ObjectLocation } from "../scan/checkpoint-location.ts";
import type { ObjectCandidate } from "./object-candidates.ts";
import { lastModifiedMs, type ObjectIdentity } from "./object-identity.ts";
import type { S3Store } from "./s3-store.ts";

/** The catalog row's file facts of an object: its URL as path, no inode, the last-modified time as mtime. */
function objectFile(
  location: Pick<ObjectLocation, "file" | "identity">,
  identity: ObjectIdentity,
): ScannedFile {
  return { ...location.file, size: identity.size, mtime_ms: lastModifiedMs(identity) };
}

/**
 * The location of a checkpoint a listing of `prefix` found, built once there: its URL, key, relative path and
 * sidecar key, and the identity (size, ETag, last-modified) every read of it is pinned to.
 */
export function objectLocation(
  store: S3Store,
  candidate: ObjectCandidate,
  listing: { readonly prefix: string; readonly sidecarKeys: ReadonlySet<string> },
): ObjectLocation {
  const { key, kind, identity, members, judgedWith } = candidate;
  const sidecar = ownSidecarPath({ path: key, kind });
  const base = {
    path: store.urlOf(key),
    kind,
    dev: 0,
    ino: 0,
    alias_of: null,
    size: identity.size,
    mtime_ms: lastModifiedMs(identity),
    sidecar_present: listing.sidecarKeys.has(sidecar),
  } satisfies ScannedFile;
  return {
    kind: "object",
    file: base,
    identity,
    bucket: store.bucket,
    key,
    members,
    judgedWith,
    root: store.urlOf(listing.prefix),
    relativePath: key.slice(listing.prefix.length).replace(/^\/+/, "") || key,
    sidecar,
  };
}

/** The same checkpoint as a read found it: a newer version (the object was replaced after the listing). */
export function withIdentity(location: ObjectLocation, identity: ObjectIdentity): ObjectLocation {
  if (identity.etag === location.identity.etag && identity.size === location.identity.size) return location;
  return { ...location, identity, file: objectFile(location, identity) };
}
