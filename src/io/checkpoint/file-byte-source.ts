import { Buffer } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, type Stats } from "node:fs";
import type { ByteSource } from "../../core/bytes/byte-source.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { fsPath } from "../fs/fs-path.ts";

export type FileByteSource = ByteSource & { close(): void };

export type OpenFileError = {
  readonly code: "not-found" | "permission-denied" | "is-directory" | "not-regular" | "io";
  readonly message: string;
};

/** What a path that is neither a regular file nor a directory is, in words ("a FIFO"). */
export function specialFileKind(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a file or directory";
}

/** The one message for a FIFO, socket or device where a checkpoint or run file was expected. */
export function notRegularMessage(path: string, stats: Stats): string {
  return `${path}: not a regular file (${specialFileKind(stats)}); ckpt reads only regular files and directories`;
}

function openError(path: string, error: unknown): OpenFileError {
  const code = errorCodeOf(error) ?? "";
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

// O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one forever; reads of a
// regular file ignore it. O_NOCTTY: a terminal device can never become the (detached) daemon's terminal.
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Opens `path` for reading only if it is a regular file, judged on the descriptor (fstat), so nothing can be
 * swapped in between a look and the open. Never blocks: FIFOs, sockets and devices are refused, not read.
 */
export function openRegularFile(path: string): Result<{ fd: number; stats: Stats }, OpenFileError> {
  let fd: number;
  try {
    fd = openSync(fsPath(path), READ_FLAGS);
  } catch (error) {
    return fail(openError(path, error));
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isFile()) return ok({ fd, stats });
    closeSync(fd);
    if (stats.isDirectory())
      return fail(openError(path, Object.assign(new Error("EISDIR"), { code: "EISDIR" })));
    return fail({ code: "not-regular", message: notRegularMessage(path, stats) });
  } catch (error) {
    closeSync(fd);
    return fail(openError(path, error));
  }
}

export type FileByteSourceOptions = {
  /**
   * The caller uses the bytes it reads only until `close()` (it keeps strings, numbers and copies, as a checkpoint
   * report does), so the source's block memory goes on to the next source instead of being collected.
   * @default false
   */
  readonly reuseAfterClose?: boolean;
};

/**
 * A ByteSource over a file descriptor: `pread`s at offsets in small blocks, never a whole-file read.
 * `size` is taken once at open, so a file still growing reads as the snapshot the settle step checked.
 */
export function openFileByteSource(
  path: string,
  options: FileByteSourceOptions = {},
): Result<FileByteSource, OpenFileError> {
  const opened = openRegularFile(path);
  return opened.success
    ? ok(
        fileSource(opened.data.fd, { size: opened.data.stats.size, reuse: options.reuseAfterClose ?? false }),
      )
    : opened;
}

/**
 * The text of a small regular file (a run file, a sidecar), read through `openRegularFile`: a FIFO named
 * `metrics.csv` is refused instead of blocking the reader forever.
 */
export function readRegularFileText(path: string): Result<string, OpenFileError> {
  const opened = openRegularFile(path);
  if (!opened.success) return opened;
  try {
    return ok(readFileSync(opened.data.fd, "utf8"));
  } catch (error) {
    return fail(openError(path, error));
  } finally {
    closeSync(opened.data.fd);
  }
}

// Reads go to the file in aligned blocks of this size, and the last few blocks are kept: the readers ask for a
// dozen small ranges (head, end record, central directory, local headers, data.pkl) that mostly share a block, and
// at 10,000 checkpoints a system call per range was a fifth of a cold scan. Callers still see, and count, only
// the bytes they asked for; the kernel reads whole pages either way.
const BLOCK_BYTES = 16 * 1024;
const KEPT_BLOCKS = 4;
// A file up to this size is read whole on its first read, one pread: a legacy `.pth` or a small safetensors file
// is parsed from end to end anyway (a 23 KB legacy file took a 16 KB block, then a second pread of all of it).
const WHOLE_FILE_BYTES = 64 * 1024;

type Block = { readonly start: number; readonly bytes: Uint8Array };

/** A plain Uint8Array (not a Buffer: its `slice` would share) over memory of its own, not zero-filled. */
function uninitializedBytes(length: number): Uint8Array {
  const memory = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(memory.buffer, memory.byteOffset, length);
}

// Block memory handed from a closed source to the next (`reuseAfterClose`): fresh memory for every checkpoint
// (allocated, faulted in by pread, collected) was a visible share of reading a small one.
const SPARE_BYTES = Math.max(BLOCK_BYTES, WHOLE_FILE_BYTES);
const MAX_SPARES = 8;
const spares: ArrayBuffer[] = [];

function spareBlock(length: number): Uint8Array {
  return new Uint8Array(spares.pop() ?? new ArrayBuffer(SPARE_BYTES), 0, length);
}

function keepSpare(bytes: Uint8Array): void {
  const memory = bytes.buffer;
  if (memory instanceof ArrayBuffer && memory.byteLength === SPARE_BYTES && spares.length < MAX_SPARES)
    spares.push(memory);
}

function fileSource(fd: number, options: { size: number; reuse: boolean }): FileByteSource {
  const { size, reuse } = options;
  let open = true;
  const blocks: Block[] = [];

  /** Fills `buffer` from `offset` (pread may return short counts); the bytes it got. */
  function readAt(offset: number, buffer: Uint8Array): Uint8Array {
    // Not zero-filled first (pread overwrites it): clearing ~80 KB per checkpoint was a visible share of a read.
    // Only the bytes pread filled are ever returned.
    const wanted = buffer.length;
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
      const whole = size <= WHOLE_FILE_BYTES;
      const start = whole ? 0 : Math.max(0, Math.min(offset - (offset % 4096), size - BLOCK_BYTES));
      // A range the block would not cover (a large data.pkl, or one crossing the block's end) is read as asked.
      if (!whole && end > start + BLOCK_BYTES) return readAt(offset, uninitializedBytes(end - offset));
      const blockLength = whole ? size : Math.min(BLOCK_BYTES, size - start);
      const bytes = readAt(start, reuse ? spareBlock(blockLength) : uninitializedBytes(blockLength));
      if (blocks.length >= KEPT_BLOCKS) blocks.shift();
      blocks.push({ start, bytes });
      return bytes.subarray(offset - start, Math.min(end - start, bytes.length));
    },
    close() {
      if (open) closeSync(fd);
      if (open && reuse) for (const block of blocks) keepSpare(block.bytes);
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
