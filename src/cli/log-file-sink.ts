import { closeSync, openSync, writeSync } from "node:fs";
import type { TextSink } from "./command.ts";

export type LogFileSink = TextSink & {
  /** Close and open the file again (SIGHUP after logrotate moved it). */
  reopen(): void;
  close(): void;
};

/** Appends log lines to a file, one `write` per line so concurrent appenders never interleave inside a line. */
export function openLogFileSink(path: string): LogFileSink {
  let fd = openSync(path, "a", 0o600);
  return {
    isTTY: false,
    write(text) {
      try {
        writeSync(fd, text);
      } catch {
        // A full disk must not stop the daemon; the catalog and sidecars are what matter.
      }
    },
    reopen() {
      const next = openSync(path, "a", 0o600);
      closeSync(fd);
      fd = next;
    },
    close() {
      closeSync(fd);
    },
  };
}
