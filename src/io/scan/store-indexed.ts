import type { Database } from "bun:sqlite";
import { entryFromMetadata } from "../../core/catalog/entry-from-metadata.ts";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import type { StoredEntry } from "../catalog/catalog-rows.ts";
import { applyCatalogChanges, mergeRunUpdates, type RunUpdate } from "../catalog/catalog-writes.ts";

/** What `readOne` produced for the catalog: a row (none when nothing changed) and its run's update. */
export type IndexedRow = { readonly entry: StoredEntry | null; readonly run: RunUpdate | null };

/**
 * The writer's half of indexing: a batch of reads as one catalog transaction, a run's updates merged (the later
 * points, the facts of the later read that describes the run). The scan's 500-row commits, the daemon's single
 * checkpoint and run reassembly all store through here.
 */
export function storeIndexed(
  database: Database,
  batch: { readonly indexed: readonly IndexedRow[]; readonly now: number },
): void {
  const upserts: StoredEntry[] = [];
  const runs = new Map<string, RunUpdate>();
  for (const { entry, run } of batch.indexed) {
    if (entry !== null) upserts.push(entry);
    if (run !== null) runs.set(run.run.dir, mergeRunUpdates(runs.get(run.run.dir), run));
  }
  if (upserts.length === 0 && runs.size === 0) return;
  applyCatalogChanges(database, { upserts, runs: [...runs.values()], now: batch.now });
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
