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
        message: `${path}: permission denied (${code}); check the file's permissions`,
      };
    case "EISDIR":
      return { code: "is-directory", message: `${path}: is a directory, not a file` };
    default:
      return { code: "io", message: `${path}: cannot open (${code || String(error)})` };
  }
}

/**
 * A ByteSource over a file descriptor: `pread`s at offsets in small blocks, never a whole-file read.
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

// Reads go to the file in aligned blocks of this size, and the last few blocks are kept: the readers ask for a
// dozen small ranges (head, end record, central directory, local headers, data.pkl) that mostly share a block, and
// at 10,000 checkpoints a system call per range was a fifth of a cold scan. Callers still see, and count, only
// the bytes they asked for; the kernel reads whole pages either way.
const BLOCK_BYTES = 16 * 1024;
const KEPT_BLOCKS = 4;

type Block = { readonly start: number; readonly bytes: Uint8Array };

function fileSource(fd: number, size: number): FileByteSource {
  let open = true;
  const blocks: Block[] = [];

  function readAt(offset: number, wanted: number): Uint8Array {
    const buffer = new Uint8Array(wanted);
    let filled = 0;
    // pread may return short counts; stop at EOF if the file shrank under us.
    while (filled < wanted) {
      const count = readSync(fd, buffer, filled, wanted - filled, offset + filled);
      if (count === 0) break;
      filled += count;
    }
    return filled === wanted ? buffer : buffer.subarray(0, filled);
  }

  function cached(offset: number, end: number): Uint8Array | null {
    for (const block of blocks) {
      if (offset >= block.start && end <= block.start + block.bytes.length)
        return block.bytes.subarray(offset - block.start, end - block.start);
    }
    return null;
  }

  return {
    size,
    read(offset, length) {
      const end = Math.min(size, offset + Math.max(0, length));
      if (end <= offset) return new Uint8Array(0);
      const hit = cached(offset, end);
      if (hit !== null) return hit;
      // Forward from the page the range starts in; near the end of the file, the last block (the zip's central
      // directory sits just before its end record, which is read first).
      const start = Math.max(0, Math.min(offset - (offset % 4096), size - BLOCK_BYTES));
      // A range the block would not cover (a large data.pkl, or one crossing the block's end) is read as asked.
      if (end > start + BLOCK_BYTES) return readAt(offset, end - offset);
      const bytes = readAt(start, Math.min(BLOCK_BYTES, size - start));
      if (blocks.length >= KEPT_BLOCKS) blocks.shift();
      blocks.push({ start, bytes });
      return bytes.subarray(offset - start, Math.min(end - start, bytes.length));
    },
    close() {
      if (open) closeSync(fd);
      open = false;
      blocks.length = 0;
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
