import {
  closeSync,
  constants,
  copyFileSync,
  fstatSync,
  ftruncateSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { AppError } from "../core/errors/app-error.ts";
import { errorCodeOf } from "../core/errors/error-code.ts";
import { openPrivateFile, unpredictableTempPath } from "../io/fs/private-file.ts";
import type { TextSink } from "./command.ts";

export type LogFileSink = TextSink & {
  /** Close and open the file again (SIGHUP after logrotate moved it). */
  reopen(): void;
  close(): void;
};

export type LogFileOptions = {
  /**
   * Past this size the file is copied to `<path>.old` (replacing the previous copy) and emptied, so a daemon left
   * running for months holds at most twice this on disk. @default 10 MiB
   */
  readonly maxBytes?: number;
};

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Appends log lines to a file, one `write` per line so concurrent appenders never interleave inside a line. The
 * file caps its own size (`--detach` has no journald or logrotate behind it). It is copied and truncated rather
 * than renamed: the detached daemon's stdout and stderr are the same file (a crash prints there), and they must
 * stay on it. `.old`, not `.1`, so an external logrotate's generations are never overwritten; SIGHUP still
 * reopens the file after such a rotation.
 */
export function openLogFileSink(path: string, options: LogFileOptions = {}): LogFileSink {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let fd = openLog(path);
  let size = fstatSync(fd).size;
  const reopen = (): void => {
    const next = openPrivateFile(path, "append");
    closeSync(fd);
    fd = next;
    size = fstatSync(fd).size;
  };
  const rotate = (): void => {
    try {
      // Someone deleted the log: writing on would fill a file nobody can see. Start a new one.
      if (fstatSync(fd).nlink === 0) {
        reopen();
        return;
      }
      keepOldCopy(path);
      ftruncateSync(fd, 0);
      size = 0;
    } catch {
      // Rotation is housekeeping: if it fails, keep appending, and try again after another maxBytes.
      size = 0;
    }
  };
  return {
    isTTY: false,
    write(text) {
      try {
        if (size > 0 && size + Buffer.byteLength(text) > maxBytes) rotate();
        size += writeSync(fd, text);
      } catch {
        // A full disk must not stop the daemon; the catalog and sidecars are what matter.
      }
    },
    reopen,
    close() {
      closeSync(fd);
    },
  };
}

/** The log opened for appending, 0600 and never through a symlink; a failure is a message, not a stack trace. */
function openLog(path: string): number {
  try {
    return openPrivateFile(path, "append");
  } catch (error) {
    const code = errorCodeOf(error) ?? String(error);
    throw new AppError(
      "io",
      code === "ELOOP"
        ? `the log file ${path} is a symlink, which ckpt never writes through (whoever controls the link picks the file); pass the path it points to`
        : `cannot open the log file ${path} (${code}); check that its directory exists and is writable`,
    );
  }
}

/** `<path>.old` through a fresh temp file and a rename: a link planted as `.old` is replaced, never written through. */
function keepOldCopy(path: string): void {
  const temp = unpredictableTempPath(`${path}.old`);
  try {
    copyFileSync(path, temp, constants.COPYFILE_EXCL);
    renameSync(temp, `${path}.old`);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
