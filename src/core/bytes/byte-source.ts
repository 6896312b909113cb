/**
 * Random access to a file's bytes. Readers in `src/core` see files only through this, so they stay pure and
 * can be tested on in-memory buffers. Reads are synchronous: they are a few KB each, and sync reads on a file
 * descriptor are several times cheaper than promise round-trips at 10,000 files.
 */
export type ByteSource = {
  /** Total size in bytes. */
  readonly size: number;
  /** Bytes `[offset, offset + length)`, clamped to the end of the source. */
  read(offset: number, length: number): Uint8Array;
};

/** A ByteSource over bytes already in memory (tests, writers, small files). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/** Wraps a source and counts every byte read through it, so `inspect` can report `bytes_read`. */
export function countingSource(source: ByteSource): ByteSource & { readonly bytesRead: () => number } {
  let total = 0;
  return {
    size: source.size,
    read(offset, length) {
      const bytes = source.read(offset, length);
      total += bytes.length;
      return bytes;
    },
    bytesRead: () => total,
  };
}
