import { fail, ok, type Result } from "../../core/result.ts";
import type { ObjectIdentity } from "./object-identity.ts";
import type { ByteRange, RangeBytes, S3Store } from "./s3-store.ts";
import type { StoreFailure } from "./store-failure.ts";

/** Bytes fetched at each end in the first round: enough for a 7B state_dict's zip directory and data.pkl. */
export const HEAD_BYTES = 256 * 1024;
export const TAIL_BYTES = 256 * 1024;

export type FirstRound = { readonly identity: ObjectIdentity; readonly chunks: readonly RangeBytes[] };

function identityOf(read: RangeBytes): ObjectIdentity {
  return { size: read.size, etag: read.etag, lastModified: read.lastModified };
}

/** Head and tail of an object whose size and ETag are known (from a listing): explicit ranges, both If-Match. */
export async function firstRoundKnown(
  store: S3Store,
  key: string,
  identity: ObjectIdentity,
): Promise<Result<FirstRound, StoreFailure>> {
  const headEnd = Math.min(HEAD_BYTES, identity.size);
  const ranges: ByteRange[] = headEnd === 0 ? [] : [{ kind: "span", start: 0, end: headEnd }];
  const tailStart = Math.max(headEnd, identity.size - TAIL_BYTES);
  if (tailStart < identity.size) ranges.push({ kind: "span", start: tailStart, end: identity.size });
  const reads = await Promise.all(ranges.map((range) => store.getRange(key, range, identity.etag)));
  const failed = reads.find((read) => !read.success);
  if (failed !== undefined && !failed.success) return failed;
  return ok({ identity, chunks: reads.flatMap((read) => (read.success ? [read.data] : [])) });
}

/**
 * Head and tail of an object known only by its key, in one round trip: `bytes=0-…` and a suffix range in
 * parallel; the size and ETag come from their Content-Range and ETag headers. A store without suffix ranges
 * costs one more request (an explicit tail range, If-Match the head's ETag); an empty object costs a HEAD.
 */
export async function firstRoundUnknown(
  store: S3Store,
  key: string,
): Promise<Result<FirstRound, StoreFailure>> {
  const [head, tail] = await Promise.all([
    store.getRange(key, { kind: "span", start: 0, end: HEAD_BYTES }, null),
    store.getRange(key, { kind: "suffix", length: TAIL_BYTES }, null),
  ]);
  if (!head.success) return head.error.code === "invalid-range" ? emptyObject(store, key, head.error) : head;
  const identity = identityOf(head.data);
  if (identity.size <= HEAD_BYTES) return ok({ identity, chunks: [head.data] });
  if (tail.success && tail.data.etag !== identity.etag)
    return fail({ code: "changed", message: `${store.urlOf(key)}: the object changed while it was read` });
  const suffixUsable = tail.success && tail.data.start === Math.max(0, identity.size - TAIL_BYTES);
  if (tail.success && suffixUsable) return ok({ identity, chunks: [head.data, tail.data] });
  if (!tail.success && (tail.error.code === "not-found" || tail.error.code === "access-denied")) return tail;
  const explicit = await store.getRange(
    key,
    { kind: "span", start: Math.max(HEAD_BYTES, identity.size - TAIL_BYTES), end: identity.size },
    identity.etag,
  );
  return explicit.success ? ok({ identity, chunks: [head.data, explicit.data] }) : explicit;
}

/** A 416 on `bytes=0-…` means an empty object (S3 cannot satisfy any range of 0 bytes): confirm with a HEAD. */
async function emptyObject(
  store: S3Store,
  key: string,
  refused: StoreFailure,
): Promise<Result<FirstRound, StoreFailure>> {
  const head = await store.head(key);
  if (!head.success) return head;
  return head.data.size === 0 ? ok({ identity: head.data, chunks: [] }) : fail(refused);
}
