import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import type { WritePlan } from "../../core/formats/zip-writer.ts";

/**
 * Writes a plan with `pwrite` at each chunk's offset after sizing the file with `ftruncate`, so the gaps stay
 * holes: a 4.5 GB synthetic checkpoint takes a few KB of disk. Creates or replaces `path`; throws on fs errors
 * (tests, demo and benchmarks only).
 */
export function writeSparseFile(path: string, plan: WritePlan): void {
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, plan.size);
    for (const chunk of plan.chunks) writeFully(fd, chunk.bytes, chunk.offset);
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `bytes` at `position` (`pwrite` may write less than asked). */
export function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let written = 0;
  while (written < bytes.length)
    written += writeSync(fd, bytes, written, bytes.length - written, position + written);
}
