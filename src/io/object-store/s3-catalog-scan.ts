import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import { lacksSidecar } from "../../core/catalog/sidecar-missing.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { SIDECAR_SUFFIX } from "../../core/metadata/sidecar-path.ts";
import { parseS3Url } from "../../core/object-store/s3-url.ts";
import { ok, type Result } from "../../core/result.ts";
import { escapeControl } from "../../core/text/escape-control.ts";
import { type KnownObject, knownObjectsUnder } from "../catalog/catalog-object-versions.ts";
import { CheckpointUnreadableError } from "../checkpoint/checkpoint-unreadable-error.ts";
import type { ObjectLocation } from "../scan/checkpoint-location.ts";
import type { CheckpointPlace } from "../scan/checkpoint-place.ts";
import { type ReadOutcome, readOne } from "../scan/index-one.ts";
import type { ScanSummary } from "../scan/scan-summary.ts";
import { type IndexedRow, storeIndexed } from "../scan/store-indexed.ts";
import { objectPlace } from "./object-checkpoint-place.ts";
import { objectLocation } from "./object-location.ts";
import { prefixCandidates } from "./prefix-candidates.ts";
import { listObjects } from "./s3-listing.ts";
import type { S3Session } from "./s3-session.ts";
import type { StoreFailure } from "./store-failure.ts";

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
  candidates: readonly ObjectLocation[],
  read: (candidate: ObjectLocation) => Promise<void>,
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

type RootListing = {
  readonly locations: readonly ObjectLocation[];
  readonly known: ReadonlyMap<string, KnownObject>;
};

/** One listing of the root, each checkpoint found in it as an object location. */
async function listRoot(
  database: Database,
  root: string,
  options: S3ScanOptions,
): Promise<Result<RootListing, StoreFailure>> {
  const parsed = parseS3Url(root);
  if (!parsed.success) throw new AppError("usage", parsed.error);
  const store = options.session.store(parsed.data.bucket);
  const prefix = parsed.data.key;
  const listed = await listObjects(store, prefix);
  if (!listed.success) return listed;
  const sidecarKeys = new Set(listed.data.filter((o) => o.key.endsWith(SIDECAR_SUFFIX)).map((o) => o.key));
  const candidates = await prefixCandidates(store, prefix, listed.data);
  if (!candidates.success) return candidates;
  const locations = candidates.data.map((candidate) =>
    objectLocation(store, candidate, { prefix, sidecarKeys }),
  );
  return ok({ locations, known: knownObjectsUnder(database, root) });
}

/** A row whose size or ETag differs from the listing's (or no row) is read again; the rest are unchanged. */
function isChanged(location: ObjectLocation, known: ReadonlyMap<string, KnownObject>): boolean {
  const row = known.get(location.file.path);
  return row === undefined || row.size !== location.identity.size || row.etag !== location.identity.etag;
}

/** Reads one object location through `readOne`, counting what happened; the row, when there is one. */
async function indexObject(
  location: ObjectLocation,
  context: {
    readonly options: S3ScanOptions;
    readonly tally: Tally;
    readonly known: RootListing["known"];
    readonly objects: CheckpointPlace<ObjectLocation>;
  },
): Promise<IndexedRow | null> {
  const { options, tally } = context;
  let outcome: ReadOutcome;
  try {
    outcome = await readOne(location, {
      sidecars: options.sidecars,
      now: options.now,
      objects: context.objects,
    });
  } catch (error) {
    if (!(error instanceof CheckpointUnreadableError)) throw error;
    tally.failed++;
    tally.failures.push(escapeControl(error.message));
    return null;
  }
  if (context.known.has(outcome.entry.path)) tally.updated++;
  else tally.added++;
  if (outcome.wrote !== null) tally.sidecars_written++;
  if (lacksSidecar(outcome.entry)) tally.sidecars_missing++;
  if (outcome.warning !== null) options.onWarning?.(escapeControl(outcome.warning));
  return outcome;
}

async function scanRoot(
  database: Database,
  root: string,
  options: S3ScanOptions,
  tally: Tally,
): Promise<void> {
  const listing = await listRoot(database, root, options);
  if (!listing.success) {
    tally.failed++;
    tally.failures.push(escapeControl(listing.error.message));
    return;
  }
  const { locations, known } = listing.data;
  const present = new Set(locations.map((location) => location.file.path));
  const removed = [...known.keys()].filter((path) => !present.has(path));
  const toRead = locations.filter((location) => isChanged(location, known));
  tally.unchanged += locations.length - toRead.length;
  tally.removed += removed.length;
  const pending: IndexedRow[] = [];
  const objects = objectPlace((bucket) => options.session.store(bucket));
  let done = 0;
  await readAll(
    toRead,
    async (location) => {
      const row = await indexObject(location, { options, tally, known, objects });
      options.onProgress?.(++done, toRead.length);
      if (row !== null) pending.push(row);
      if (pending.length >= BATCH) storeIndexed(database, { indexed: pending.splice(0), now: options.now() });
    },
    options.concurrency ?? 32,
  );
  storeIndexed(database, { indexed: pending.splice(0), removed, now: options.now() });
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
