import { emptyReport, failedReport } from "../../core/checkpoint/build-checkpoint-report.ts";
import { parseS3Url } from "../../core/object-store/s3-url.ts";
import { type ObjectRead, readObjectCheckpoint } from "./read-object-checkpoint.ts";
import type { S3Session } from "./s3-session.ts";

function notAnObject(url: string, message: string): ObjectRead {
  const report = failedReport(emptyReport({ path: url, container: "unknown", size: 0 }), {
    status: "not-a-checkpoint",
    code: "not-found",
    message,
  });
  return { report, identity: null };
}

/** `inspect s3://bucket/key`: the report of one object, read in one round trip when the reader needs no more. */
export async function readS3Report(session: S3Session, url: string): Promise<ObjectRead> {
  const parsed = parseS3Url(url);
  if (!parsed.success) return notAnObject(url, parsed.error.slice(url.length + 2));
  const { bucket, key } = parsed.data;
  if (key === "" || key.endsWith("/"))
    return notAnObject(url, `a prefix, not an object; 'ckpt ls ${url}' lists the checkpoints under it`);
  return readObjectCheckpoint(session.store(bucket), key, null);
}
