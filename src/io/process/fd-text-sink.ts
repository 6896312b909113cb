import { fstatSync, statSync, writeSync } from "node:fs";
import type { TextSink } from "../../cli/command.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";

export type FdTextSinkOptions = {
  readonly fd: number;
  /** `process.stdout` or `process.stderr`, made only when asked for. */
  readonly stream: () => NodeJS.WriteStream;
  /** A write that failed (EPIPE: the reader has gone; ENOSPC…): main ends the process. */
  readonly onWriteError: (error: unknown) => never;
};

/**
 * isatty, loading node:tty (~8 ms) only when it can matter: only a character device can be a terminal, and
 * /dev/null (where scripts and benchmarks send output) is not one.
 */
export async function isTerminalFd(fd: number): Promise<boolean> {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === statSync("/dev/null").rdev) return false;
  } catch {
    return false;
  }
  const { isatty } = await import("node:tty");
  return isatty(fd);
}

/** Texts up to this many UTF-16 units are encoded into one reused buffer (at most 3 bytes each in UTF-8). */
const SCRATCH_UNITS = 256 * 1024;

/**
 * The text as UTF-8 bytes: a short one in a buffer reused from write to write (encodeInto: a 64 KB chunk of a
 * prune plan in a tenth of `Buffer.from`'s time, and no new memory per write); the bytes are good until the next
 * call. A longer one in its own buffer.
 */
function utf8Encoder(): (text: string) => Uint8Array {
  const encoder = new TextEncoder();
  let scratch: Uint8Array | null = null;
  return (text) => {
    if (text.length > SCRATCH_UNITS) return Buffer.from(text, "utf8");
    scratch ??= new Uint8Array(SCRATCH_UNITS * 3);
    const { written } = encoder.encodeInto(text, scratch);
    return scratch.subarray(0, written);
  };
}

/**
 * A process stream (fd 1 or 2) written with `writeSync`, without creating `process.stdout`: Bun builds that
 * stream from node:stream and node:tty on first touch, ~25 ms of every command's start-up in the compiled binary.
 * The stream is still made when it is needed: for a terminal's width, and when a non-blocking pipe (a parent
 * that set O_NONBLOCK) answers EAGAIN, where the stream waits for the reader; every later write goes through it,
 * so the order holds.
 */
export function fdTextSink(options: FdTextSinkOptions, isTTY: boolean): TextSink {
  let stream: NodeJS.WriteStream | null = null;
  const openStream = (): NodeJS.WriteStream => {
    if (stream === null) {
      stream = options.stream();
      stream.on("error", options.onWriteError);
    }
    return stream;
  };
  const utf8 = utf8Encoder();
  const writeRest = (bytes: Uint8Array): void => {
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(options.fd, bytes, offset);
      } catch (error) {
        if (errorCodeOf(error) !== "EAGAIN") options.onWriteError(error);
        // A copy: the stream may hold the bytes past this call, and a scratch buffer is reused.
        openStream().write(Buffer.from(bytes.subarray(offset)));
        return;
      }
    }
  };
  return {
    write: (text) => {
      if (stream === null) return writeRest(utf8(text));
      try {
        stream.write(text);
      } catch (error) {
        options.onWriteError(error);
      }
    },
    isTTY,
    get columns() {
      return isTTY ? openStream().columns : undefined;
    },
  };
}
