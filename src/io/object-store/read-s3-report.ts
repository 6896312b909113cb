import { emptyReport, failedReport } from "../../core/checkpoint/report-outcome.ts";
import { parseS3Url } from "../../core/object-store/s3-url.ts";
import { prefixCandidates } from "./prefix-candidates.ts";
import { type ObjectRead, readObjectCheckpoint } from "./read-object-checkpoint.ts";
import { readObjectDirectory } from "./read-object-directory.ts";
import { type ListedObject, listObjects } from "./s3-listing.ts";
import type { S3Session } from "./s3-session.ts";
import type { S3Store } from "./s3-store.ts";

// A checkpoint directory holds tens of files; a prefix with more than this is a tree of checkpoints, for `ls`.
const MAX_DIRECTORY_OBJECTS = 10_000;

function notACheckpoint(
  url: string,
  message: string,
  code: "not-found" | "unreadable" = "not-found",
): ObjectRead {
  const report = failedReport(emptyReport({ path: url, container: "unknown", size: 0 }), {
    status: "not-a-checkpoint",
    code,
    message,
  });
  return { report, identity: null };
}

/** A directory named alone, read as the scan of its parent would read it: with what it is judged with. */
async function readDirectoryObjects(store: S3Store, url: string, prefix: string, listed: ListedObject[]) {
  const found = await prefixCandidates(store, prefix, listed);
  if (!found.success) return notACheckpoint(url, found.error.message.replace(/^[^ ]+: /, ""), "unreadable");
  const dir = prefix.replace(/\/+$/, "");
  const itself = found.data.find((candidate) => candidate.key === dir);
  const judgedWith = itself?.judgedWith ?? null;
  return readObjectDirectory(store, { prefix, objects: itself?.members ?? listed, judgedWith });
}

/** The objects under `prefix/` read as one directory checkpoint; null when there are none. */
async function readDirectoryPrefix(store: S3Store, url: string, prefix: string): Promise<ObjectRead | null> {
  const listed = await listObjects(store, prefix);
  if (!listed.success) return notACheckpoint(url, listed.error.message.replace(/^[^ ]+: /, ""), "unreadable");
  if (listed.data.length === 0) return null;
  if (listed.data.length > MAX_DIRECTORY_OBJECTS)
    return notACheckpoint(
      url,
      `${listed.data.length} objects under it: a tree of checkpoints, not one; 'ckpt ls ${url}' lists them`,
    );
  return readDirectoryObjects(store, url, prefix, listed.data);
}

/**
 * `inspect s3://bucket/key`: one object, read in one round trip when the reader needs no more; or, for a key that
 * ends in `/` or names no object, the objects under `key/` as one directory checkpoint (HF `checkpoint-N/`).
 */
export async function readS3Report(session: S3Session, url: string): Promise<ObjectRead> {
  const parsed = parseS3Url(url);
  if (!parsed.success) return notACheckpoint(url, parsed.error.slice(url.length + 2));
  const { bucket, key } = parsed.data;
  if (key === "")
    return notACheckpoint(
      url,
      `a whole bucket, not a checkpoint; 'ckpt ls ${url}' lists the checkpoints in it`,
    );
  const store = session.store(bucket);
  if (key.endsWith("/"))
    return (
      (await readDirectoryPrefix(store, url, key)) ??
      notACheckpoint(
        url,
        "no objects under this prefix; check the key ('ckpt ls' of its parent lists what is there)",
      )
    );
  const object = await readObjectCheckpoint(store, key, null);
  if (object.report.error?.code !== "not-found") return object;
  return (await readDirectoryPrefix(store, url, `${key}/`)) ?? object;
}
