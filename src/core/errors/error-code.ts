/**
 * The `code` a thrown error carries: a system call's ("ENOENT", "EACCES"), Bun's S3 client's ("NoSuchKey",
 * "AccessDenied"), a socket's ("ECONNREFUSED"). Null when it carries none.
 */
export function errorCodeOf(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("code" in error)) return null;
  const { code } = error;
  return code === undefined || code === null ? null : String(code);
}
