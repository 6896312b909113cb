/** Which version of an object was read: what the catalog compares instead of a file's dev/ino/size/mtime. */
export type ObjectIdentity = {
  readonly size: number;
  readonly etag: string;
  /** As the store says it (ISO 8601 from a listing, an HTTP date from a GET); null when it does not. */
  readonly lastModified: string | null;
};

/** Milliseconds since the epoch of a store's last-modified text, or 0 when there is none or it is unreadable. */
export function lastModifiedMs(identity: ObjectIdentity): number {
  const ms = identity.lastModified === null ? Number.NaN : Date.parse(identity.lastModified);
  return Number.isFinite(ms) ? ms : 0;
}
