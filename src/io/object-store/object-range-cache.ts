import type { ByteSource } from "../../core/bytes/byte-source.ts";

/** A byte range the reader asked for that no fetched chunk covers. */
export type RangeMissed = { readonly start: number; readonly end: number };

/** Thrown by the cache's source on a miss, so the synchronous reader stops at once; the miss is recorded too. */
export class RangeMissError extends Error {
  readonly missed: RangeMissed;

  constructor(missed: RangeMissed) {
    super(`bytes ${missed.start}-${missed.end} are not fetched yet`);
    this.name = "RangeMissError";
    this.missed = missed;
  }
}

type Chunk = { readonly start: number; readonly bytes: Uint8Array };

/**
 * The fetched parts of one object version, as a synchronous `ByteSource` for the core readers: a read inside
 * the fetched chunks is answered from memory, any other read is recorded as a miss and stops the reader, and the
 * caller fetches the misses and runs the reader again. Chunks that touch are merged, so a read may span them.
 */
export class ObjectRangeCache {
  readonly #chunks: Chunk[] = [];
  readonly misses: RangeMissed[] = [];

  readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  add(start: number, bytes: Uint8Array): void {
    let mergedStart = start;
    let mergedEnd = start + bytes.length;
    const touching = this.#chunks.filter(
      (chunk) => chunk.start <= mergedEnd && chunk.start + chunk.bytes.length >= mergedStart,
    );
    for (const chunk of touching) {
      mergedStart = Math.min(mergedStart, chunk.start);
      mergedEnd = Math.max(mergedEnd, chunk.start + chunk.bytes.length);
    }
    const merged = new Uint8Array(mergedEnd - mergedStart);
    for (const chunk of touching) merged.set(chunk.bytes, chunk.start - mergedStart);
    merged.set(bytes, start - mergedStart);
    const kept = this.#chunks.filter((chunk) => !touching.includes(chunk));
    this.#chunks.length = 0;
    this.#chunks.push(...kept, { start: mergedStart, bytes: merged });
  }

  /** The misses recorded since the last call, and no more. */
  takeMisses(): RangeMissed[] {
    return this.misses.splice(0);
  }

  /** A source over the fetched chunks; a read outside them is recorded in `misses` and throws. */
  source(): ByteSource {
    return {
      size: this.size,
      read: (offset, length) => {
        const end = Math.min(this.size, offset + Math.max(0, length));
        if (end <= offset) return new Uint8Array(0);
        const chunk = this.#chunks.find((c) => offset >= c.start && end <= c.start + c.bytes.length);
        if (chunk !== undefined) return chunk.bytes.subarray(offset - chunk.start, end - chunk.start);
        const missed = { start: offset, end };
        this.misses.push(missed);
        throw new RangeMissError(missed);
      },
    };
  }
}
