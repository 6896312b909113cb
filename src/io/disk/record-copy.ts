import { readSync } from "node:fs";
import { writeFully } from "../fs/sparse-file-writer.ts";

// Copies byte ranges between two open files in bounded chunks: a multi-GB storage record never sits in memory.
// A chunk of zeros is not written: the target was sized with ftruncate, so it stays a hole (sparse stays sparse).

const CHUNK_BYTES = 4 * 1024 * 1024;

const ZEROS = Buffer.alloc(CHUNK_BYTES);

/** A native compare against zeros (a JS loop over each word took ~4 s per GB). */
function allZero(buffer: Uint8Array, length: number): boolean {
  return Buffer.from(buffer.buffer, buffer.byteOffset, length).equals(ZEROS.subarray(0, length));
}

/** A reusable copier: one buffer for every range it copies. Throws on a short read (the source shrank). */
export function rangeCopier(): (copy: {
  from: number;
  to: number;
  length: number;
  source: number;
  target: number;
}) => void {
  const buffer = new Uint8Array(CHUNK_BYTES);
  return ({ from, to, length, source, target }) => {
    let done = 0;
    while (done < length) {
      const want = Math.min(CHUNK_BYTES, length - done);
      const read = readSync(source, buffer, 0, want, from + done);
      if (read <= 0)
        throw new Error(`the file ended at ${from + done} while copying (it was changed meanwhile)`);
      if (!allZero(buffer, read)) writeFully(target, buffer.subarray(0, read), to + done);
      done += read;
    }
  };
}
