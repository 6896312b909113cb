import type { ByteSource } from "./byte-source.ts";

/**
 * A forward-only reader over a ByteSource for headers made of variable-length records (GGUF). Reads in windows
 * that start small and double, so a short header costs a few KB and a 10 MB vocabulary a few dozen reads; the
 * most it reads past the last byte a caller asked for is one window. A read past `limit` (the end of the source,
 * or the caller's cap) raises `CursorStop`, which the format reader turns into its own typed error.
 */
export type ByteCursor = {
  /** Offset of the next byte. */
  readonly position: () => number;
  /** Bytes left before `limit`. */
  readonly remaining: () => number;
  /** `length` bytes, advancing past them. */
  readonly take: (length: number) => Uint8Array;
  /** Moves past `length` bytes without returning them (they may still be inside the current window). */
  readonly skip: (length: number) => void;
};

/** Why a cursor stopped: the source ended (`end`) or the caller's cap was reached first (`cap`). */
export class CursorStop extends Error {
  readonly reason: "end" | "cap";
  readonly at: number;
  constructor(reason: "end" | "cap", at: number) {
    super(`cursor stopped at byte ${at} (${reason})`);
    this.reason = reason;
    this.at = at;
  }
}

const FIRST_WINDOW = 4096;
/** After a jump (a skipped payload) the window starts over small, so skipping never pulls payload bytes in bulk. */
const AFTER_JUMP_WINDOW = 512;
const MAX_WINDOW = 1024 * 1024;

/** A cursor at `start`, reading no further than `min(source.size, cap)`. */
export function byteCursor(source: ByteSource, options: { start?: number; cap?: number } = {}): ByteCursor {
  let position = options.start ?? 0;
  const cap = options.cap ?? Number.POSITIVE_INFINITY;
  const limit = Math.min(source.size, cap);
  let window: Uint8Array = new Uint8Array(0);
  let windowStart = 0;
  let nextWindow = FIRST_WINDOW;
  const ensure = (length: number) => {
    if (position + length > limit) throw new CursorStop(source.size < cap ? "end" : "cap", position);
  };
  const fill = (length: number) => {
    if (window.length > 0 && position !== windowStart + window.length) nextWindow = AFTER_JUMP_WINDOW;
    const size = Math.max(length, nextWindow);
    nextWindow = Math.min(MAX_WINDOW, nextWindow * 2);
    window = source.read(position, Math.min(size, limit - position));
    windowStart = position;
  };
  return {
    position: () => position,
    remaining: () => limit - position,
    take(length) {
      ensure(length);
      const at = position - windowStart;
      if (at < 0 || at + length > window.length) fill(length);
      const from = position - windowStart;
      position += length;
      return window.subarray(from, from + length);
    },
    skip(length) {
      ensure(length);
      position += length;
    },
  };
}
