import { closeSync, fstatSync, openSync, renameSync, writeSync } from "node:fs";
import type { TextSink } from "./command.ts";

export type LogFileSink = TextSink & {
  /** Close and open the file again (SIGHUP after logrotate moved it). */
  reopen(): void;
  close(): void;
};

export type LogFileOptions = {
  /**
   * Past this size the file is moved to `<path>.1` (replacing the previous one) and a new one is started, so a
   * daemon left running for months holds at most twice this on disk. @default 10 MiB
   */
  readonly maxBytes?: number;
};

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Appends log lines to a file, one `write` per line so concurrent appenders never interleave inside a line. The
 * file rotates itself by size (`--detach` has no journald or logrotate behind it); SIGHUP still reopens it for
 * an external logrotate.
 */
export function openLogFileSink(path: string, options: LogFileOptions = {}): LogFileSink {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let fd = openSync(path, "a", 0o600);
  let size = fstatSync(fd).size;
  const reopen = (): void => {
    const next = openSync(path, "a", 0o600);
    closeSync(fd);
    fd = next;
    size = fstatSync(fd).size;
  };
  const rotate = (): void => {
    try {
      renameSync(path, `${path}.1`);
      reopen();
    } catch {
      // Rotation is housekeeping: if it fails, keep appending to the file we have.
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
