import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { errorCodeOf } from "../../core/errors/error-code.ts";

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_RDWR, O_WRONLY, O_APPEND } = constants;

/** Files ckpt keeps for itself are its user's only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Opens (creating 0600 if absent) a file ckpt keeps in its state directory, never through a symlink: a link
 * planted there would make ckpt create or write the file it points at. `append` for logs, else read-write.
 */
export function openPrivateFile(path: string, mode: "append" | "read-write"): number {
  const access = mode === "append" ? O_WRONLY | O_APPEND : O_RDWR;
  return openSync(path, access | O_CREAT | O_NOFOLLOW, PRIVATE_FILE_MODE);
}

/** Creates an empty 0600 file that must not exist yet (`O_EXCL` also refuses a symlink); false when it exists. */
export function createPrivateFile(path: string): boolean {
  try {
    closeSync(openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, PRIVATE_FILE_MODE));
    return true;
  } catch (error) {
    if (errorCodeOf(error) === "EEXIST") return false;
    throw error;
  }
}

/** `bytes` random bytes as hex, from Web Crypto: node:crypto would cost every command that opens a catalog ~20 ms. */
export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/** A temp name beside `path` nobody can guess in advance, so nobody can plant a link under it. */
export function unpredictableTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomHex(8)}.tmp`);
}

/**
 * Replaces `path` with `text` atomically: a fresh 0600 temp file (random name, `O_EXCL|O_NOFOLLOW`), fsync,
 * rename. Readers see the old or the new content, never half; a link at `path` is replaced, not followed.
 */
export function writePrivateFileAtomically(path: string, text: string): void {
  const temp = unpredictableTempPath(path);
  const fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, PRIVATE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}
