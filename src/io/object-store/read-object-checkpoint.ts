import { buildCheckpointReport } from "../../core/checkpoint/build-checkpoint-report.ts";
import type { CheckpointReport } from "../../core/checkpoint/checkpoint-report.ts";
import { emptyReport, failedReport } from "../../core/checkpoint/report-outcome.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { inflate, nativeCrc32 } from "../checkpoint/read-checkpoint.ts";
import { type FirstRound, firstRoundKnown, firstRoundUnknown } from "./object-first-round.ts";
import type { ObjectIdentity } from "./object-identity.ts";
import { ObjectRangeCache, type RangeMissed } from "./object-range-cache.ts";
import type { S3Store } from "./s3-store.ts";
import type { StoreFailure } from "./store-failure.ts";

/** What one object read learned, and which version it learned it from (null when nothing could be read). */
export type ObjectRead = { readonly report: CheckpointReport; readonly identity: ObjectIdentity | null };

// A miss fetches at least this much forward, so a reader walking forward (a large data.pkl) needs few more rounds,
// and some bytes before it: zip readers step backward from the central directory (ZIP64 locator and record).
const MISS_MIN_BYTES = 256 * 1024;
const MISS_BEFORE_BYTES = 64 * 1024;
// Rounds after the first, and whole re-reads after the object changed under the reader: both bounded.
const MAX_MISS_ROUNDS = 16;
const MAX_REREADS = 3;

export function missRanges(misses: readonly RangeMissed[], size: number): RangeMissed[] {
  const sorted = [...misses].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const miss of sorted) {
    const start = Math.max(0, miss.start - MISS_BEFORE_BYTES);
    const end = Math.min(size, Math.max(miss.end, miss.start + MISS_MIN_BYTES));
    const last = merged.at(-1);
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}

/** Runs the reader over the fetched chunks, fetching what it misses (If-Match), until it misses nothing. */
async function readOver(
  store: S3Store,
  key: string,
  round: FirstRound,
): Promise<Result<CheckpointReport, StoreFailure>> {
  const cache = new ObjectRangeCache(round.identity.size);
  for (const chunk of round.chunks) cache.add(chunk.start, chunk.bytes);
  const path = store.urlOf(key);
  for (let rounds = 0; ; rounds++) {
    const report = buildCheckpointReport(cache.source(), { path, inflate, crc32: nativeCrc32 });
    const misses = cache.takeMisses();
    if (misses.length === 0) return ok(report);
    if (rounds >= MAX_MISS_ROUNDS)
      return fail({
        code: "bad-response",
        message: `${path}: the reader still needed more bytes after ${rounds} rounds of ranged reads; please report this with the object`,
      });
    const ranges = missRanges(misses, round.identity.size);
    const reads = await Promise.all(
      ranges.map((range) => store.getRange(key, { kind: "span", ...range }, round.identity.etag)),
    );
    for (const read of reads) {
      if (!read.success) return read;
      cache.add(read.data.start, read.data.bytes);
    }
  }
}

export function failureReport(path: string, failure: StoreFailure): CheckpointReport {
  const message = failure.message.startsWith(`${path}: `)
    ? failure.message.slice(path.length + 2)
    : failure.message;
  return failedReport(emptyReport({ path, container: "unknown", size: 0 }), {
    status: "not-a-checkpoint",
    code: failure.code === "not-found" ? "not-found" : "unreadable",
    message,
  });
}

/**
 * Reads one checkpoint object (`.ckpt`, `.pt`, `.safetensors`, …) with ranged GETs: head and tail in one round
 * trip, more only where the reader misses, every read pinned to one ETag. An object replaced between reads is read
 * again from the start (never a mix of two versions). `known` is the size/ETag from a listing, when there was one.
 * Never throws: a store failure is a report naming the object and what to do.
 */
export async function readObjectCheckpoint(
  store: S3Store,
  key: string,
  known: ObjectIdentity | null,
): Promise<ObjectRead> {
  const path = store.urlOf(key);
  let identity = known;
  let last: StoreFailure | null = null;
  for (let attempt = 0; attempt <= MAX_REREADS; attempt++) {
    const first =
      identity === null ? await firstRoundUnknown(store, key) : await firstRoundKnown(store, key, identity);
    const report = first.success ? await readOver(store, key, first.data) : first;
    if (report.success) return { report: report.data, identity: first.success ? first.data.identity : null };
    last = report.error;
    if (last.code !== "changed") break;
    identity = null;
  }
  const failure = last ?? { code: "bad-response", message: `${path}: no answer` };
  const changedToo =
    failure.code === "changed"
      ? {
          ...failure,
          message: `${failure.message} on every one of ${MAX_REREADS + 1} tries; it is being rewritten: run the command again once the writer is done`,
        }
      : failure;
  return { report: failureReport(path, changedToo), identity: null };
}
