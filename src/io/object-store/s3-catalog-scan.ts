import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { SIDECAR_SUFFIX } from "../../core/metadata/sidecar-path.ts";
import { parseS3Url } from "../../core/object-store/s3-url.ts";
import { escapeControl } from "../../core/text/escape-control.ts";
import { knownObjectsUnder, recordObjectVersions } from "../catalog/catalog-object-versions.ts";
import type { StoredEntry } from "../catalog/catalog-rows.ts";
import { applyCatalogChanges } from "../catalog/catalog-writes.ts";
import type { ScanSummary } from "../scan/scan-summary.ts";
import { type ObjectCandidate, objectCandidates } from "./object-candidates.ts";
import { readObjectEntry } from "./object-catalog-entry.ts";
import { listObjects } from "./s3-listing.ts";
import type { S3Session } from "./s3-session.ts";

export type S3ScanOptions = {
  /** s3://bucket/prefix roots; a prefix is a folder (`exp` covers `exp/…`, not `exp2/…`) or one object's key. */
  readonly roots: readonly string[];
  readonly session: S3Session;
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  readonly onWarning?: (message: string) => void;
  readonly onProgress?: (done: number, total: number) => void;
  /** Objects read at once. @default 32 */
  readonly concurrency?: number;
};

type Tally = Omit<ScanSummary, "seconds">;

function emptyTally(): Tally {
  return {
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    failed: 0,
    sidecars_written: 0,
    sidecars_missing: 0,
    failures: [],
  };
}

// Rows are written in batches, so readers of the catalog see progress and a failure loses little.
const BATCH = 500;

async function readAll(
  candidates: readonly ObjectCandidate[],
  read: (candidate: ObjectCandidate) => Promise<void>,
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < candidates.length; index = next++) {
      const candidate = candidates[index];
      if (candidate !== undefined) await read(candidate);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, candidates.length) }, worker));
}

async function scanRoot(
  database: Database,
  root: string,
  options: S3ScanOptions,
  tally: Tally,
): Promise<void> {
  const parsed = parseS3Url(root);
  if (!parsed.success) throw new AppError("usage", parsed.error);
  const store = options.session.store(parsed.data.bucket);
  const prefix = parsed.data.key;
  const listed = await listObjects(store, prefix);
  if (!listed.success) {
    tally.failed++;
    tally.failures.push(escapeControl(listed.error.message));
    return;
  }
  const sidecarKeys = new Set(listed.data.filter((o) => o.key.endsWith(SIDECAR_SUFFIX)).map((o) => o.key));
  const candidates = objectCandidates(listed.data, prefix);
  const known = knownObjectsUnder(database, root);
  const present = new Set(candidates.map((candidate) => store.urlOf(candidate.key)));
  const removed = [...known.keys()].filter((path) => !present.has(path));
  const toRead = candidates.filter((candidate) => {
    const row = known.get(store.urlOf(candidate.key));
    return row === undefined || row.size !== candidate.identity.size || row.etag !== candidate.identity.etag;
  });
  tally.unchanged += candidates.length - toRead.length;
  tally.removed += removed.length;
  const pending: { entry: StoredEntry; candidate: ObjectCandidate }[] = [];
  const flush = (removedNow: readonly string[]) => {
    const batch = pending.splice(0);
    applyCatalogChanges(database, {
      upserts: batch.map((item) => item.entry),
      removed: removedNow,
      now: options.now(),
    });
    const versions = batch.map(({ entry, candidate }) => ({
      path: entry.path,
      etag: candidate.identity.etag,
      lastModified: candidate.identity.lastModified,
    }));
    recordObjectVersions(database, { versions, removed: removedNow });
  };
  let done = 0;
  await readAll(
    toRead,
    async (candidate) => {
      const outcome = await readObjectEntry(store, candidate, {
        sidecars: options.sidecars,
        prefix,
        sidecarKeys,
        now: options.now,
      });
      options.onProgress?.(++done, toRead.length);
      if (outcome.kind === "failed") {
        tally.failed++;
        tally.failures.push(escapeControl(outcome.message));
        return;
      }
      if (known.has(outcome.entry.path)) tally.updated++;
      else tally.added++;
      if (outcome.wrote !== null) tally.sidecars_written++;
      else if (!outcome.entry.sidecar_present && outcome.entry.metadata !== null) tally.sidecars_missing++;
      if (outcome.warning !== null) options.onWarning?.(escapeControl(outcome.warning));
      pending.push({ entry: outcome.entry, candidate });
      if (pending.length >= BATCH) flush([]);
    },
    options.concurrency ?? 32,
  );
  flush(removed);
}

/**
 * Brings the catalog up to date with s3:// roots: one listing per root (ListObjectsV2 with continuation), new and
 * changed objects (size or ETag) read with ranged GETs, vanished ones removed, the rest left alone.
 */
export async function scanS3Roots(database: Database, options: S3ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  const tally = emptyTally();
  for (const root of options.roots) await scanRoot(database, root, options, tally);
  return { ...tally, seconds: (performance.now() - started) / 1000 };
}
