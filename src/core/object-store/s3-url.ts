import { fail, ok, type Result } from "../result.ts";

/** An `s3://bucket/key` address: the key may be empty (the whole bucket) or a prefix ending in `/`. */
export type S3Url = { readonly bucket: string; readonly key: string };

export function isS3Url(text: string): boolean {
  return text.startsWith("s3://");
}

/** `s3://bucket/key` as text again: the one spelling ckpt prints and stores. */
export function s3UrlText(url: S3Url): string {
  return `s3://${url.bucket}/${url.key}`;
}

// S3's own bucket rule (3–63 characters of lower-case letters, digits, dots and hyphens), loosened to allow the
// upper case and underscores some S3-compatible stores accept.
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/;

/** Splits `s3://bucket/key`; names the problem and the expected form when the text is not one. */
export function parseS3Url(text: string): Result<S3Url, string> {
  if (!isS3Url(text)) return fail(`${text}: not an s3:// address; write s3://BUCKET/KEY`);
  const rest = text.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? "" : rest.slice(slash + 1);
  if (!BUCKET.test(bucket))
    return fail(
      `${text}: '${bucket}' is not a bucket name; write s3://BUCKET/KEY (bucket: 3–63 letters, digits, . - _)`,
    );
  return ok({ bucket, key });
}
