/** Whether a `--catalog`/`CKPT_CATALOG` value names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/** The URL without its password, for messages and `ckpt stats`. */
export function redactedUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/i, "$1:***@");
}

/**
 * The connection options from a catalog URL. `prepare=false` in its query string (for PgBouncer in transaction
 * mode, which cannot keep a prepared statement across transactions) is ckpt's, not the server's: taken out.
 */
export function connectionOptions(url: string): { url: string; prepare: boolean } {
  const parsed = new URL(url);
  const prepare = parsed.searchParams.get("prepare");
  parsed.searchParams.delete("prepare");
  return { url: parsed.toString(), prepare: prepare !== "false" && prepare !== "0" };
}
