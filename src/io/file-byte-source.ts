import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource } from "../core/bytes/byte-source.ts";
import { fail, ok, type Result } from "../core/result.ts";

export type FileByteSource = ByteSource & { close(): void };

export type OpenFileError = {
  readonly code: "not-found" | "permission-denied" | "is-directory" | "io";
  readonly message: string;
};

function openError(path: string, error: unknown): OpenFileError {
  const code = error instanceof Error && "code" in error ? String(error.code) : "";
  switch (code) {
    case "ENOENT":
      return { code: "not-found", message: `${path}: no such file; check the path` };
    case "EACCES":
    case "EPERM":
      return {
        code: "permission-denied",
        message: `${path}: permission denied; check the file's permissions`,
      };
    case "EISDIR":
      return { code: "is-directory", message: `${path}: is a directory, not a file` };
    default:
      return { code: "io", message: `${path}: cannot open (${code || String(error)})` };
  }
}

/**
 * A ByteSource over a file descriptor: every `read` is one `pread` at an offset, never a whole-file read.
 * `size` is taken once at open, so a file still growing reads as the snapshot the settle step checked.
 */
export function openFileByteSource(path: string): Result<FileByteSource, OpenFileError> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    return fail(openError(path, error));
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) {
      closeSync(fd);
      return fail(openError(path, Object.assign(new Error("EISDIR"), { code: "EISDIR" })));
    }
    return ok(fileSource(fd, stats.size));
  } catch (error) {
    closeSync(fd);
    return fail(openError(path, error));
  }
}

function fileSource(fd: number, size: number): FileByteSource {
  let open = true;
  return {
    size,
    read(offset, length) {
      const wanted = Math.max(0, Math.min(length, size - offset));
      const buffer = new Uint8Array(wanted);
      let filled = 0;
      // pread may return short counts; stop at EOF if the file shrank under us.
      while (filled < wanted) {
        const count = readSync(fd, buffer, filled, wanted - filled, offset + filled);
        if (count === 0) break;
        filled += count;
      }
      return filled === wanted ? buffer : buffer.subarray(0, filled);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Opens `path`, runs `fn`, and always closes the descriptor (also when `fn` throws). */
export function withFileByteSource<T>(path: string, fn: (source: ByteSource) => T): Result<T, OpenFileError> {
  const opened = openFileByteSource(path);
  if (!opened.success) return opened;
  try {
    return ok(fn(opened.data));
  } finally {
    opened.data.close();
  }
}
