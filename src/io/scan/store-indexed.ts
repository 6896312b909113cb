import type { Database } from "bun:sqlite";
import { entryFromMetadata } from "../../core/catalog/entry-from-metadata.ts";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { isS3Url } from "../../core/object-store/s3-url.ts";
import { type ObjectVersion, recordObjectVersions } from "../catalog/catalog-object-versions.ts";
import type { StoredEntry } from "../catalog/catalog-rows.ts";
import { writingCatalog } from "../catalog/catalog-write-error.ts";
import { applyCatalogChanges, mergeRunUpdates, type RunUpdate } from "../catalog/catalog-writes.ts";

/**
 * What `readOne` produced for the catalog: a row (none when nothing changed), its run's update, and for an object
 * the version (ETag) the row describes.
 */
export type IndexedRow = {
  readonly entry: StoredEntry | null;
  readonly run: RunUpdate | null;
  readonly version?: ObjectVersion | null;
};

export type IndexedBatch = {
  readonly indexed: readonly IndexedRow[];
  readonly now: number;
  /** Rows whose checkpoints are gone (an object no longer listed), removed in the same transaction. */
  readonly removed?: readonly string[];
};

/**
 * The writer's half of indexing: a batch of reads as one catalog transaction, a run's updates merged (the later
 * points, the facts of the later read that describes the run), objects' versions recorded with their rows. The
 * scan's 500-row commits, the daemon's single checkpoint, run reassembly and the S3 scan all store through here.
 */
export function storeIndexed(database: Database, batch: IndexedBatch): void {
  const upserts: StoredEntry[] = [];
  const versions: ObjectVersion[] = [];
  const runs = new Map<string, RunUpdate>();
  for (const { entry, run, version } of batch.indexed) {
    if (entry !== null) upserts.push(entry);
    if (entry !== null && version != null) versions.push(version);
    if (run !== null) runs.set(run.run.dir, mergeRunUpdates(runs.get(run.run.dir), run));
  }
  const removed = batch.removed ?? [];
  if (upserts.length === 0 && runs.size === 0 && removed.length === 0) return;
  const changes = { upserts, runs: [...runs.values()], removed, now: batch.now };
  const goneObjects = removed.filter(isS3Url);
  if (versions.length === 0 && goneObjects.length === 0) {
    applyCatalogChanges(database, changes);
    return;
  }
  // Nested transactions are savepoints: the rows and their versions commit together or not at all.
  writingCatalog(database.filename, () =>
    database.transaction(() => {
      applyCatalogChanges(database, changes);
      recordObjectVersions(database, { versions, removed: goneObjects });
    })(),
  );
}

/**
 * The row of another name of a catalogued checkpoint (a symlink, a hard link; `alias_of` names the primary): it
 * holds no metadata of its own. The scan's and the daemon's alias rows alike.
 */
export function aliasRow(file: ScannedFile, now: number): StoredEntry {
  const entry = entryFromMetadata({
    file,
    metadata: null,
    status: "ok",
    sidecar: "missing",
    runDir: null,
    indexedAt: now,
  });
  return { ...entry, sidecar_present: file.sidecar_present, metadata: null };
}
