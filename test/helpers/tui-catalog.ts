// Test-only: catalog rows for the TUI, written through the catalog's own write API into a real SQLite file.
import type { Database } from "bun:sqlite";
import type { CatalogEntry } from "../../src/core/catalog/catalog-entry.ts";
import type { CheckpointMetadataV1 } from "../../src/core/metadata/metadata-schema.ts";
import { openCatalogForWriting } from "../../src/io/catalog/catalog-db.ts";
import type { StoredEntry } from "../../src/io/catalog/catalog-rows.ts";
import { applyCatalogChanges, type RunUpdate } from "../../src/io/catalog/catalog-writes.ts";

/** A fixed clock: 2026-11-22 12:00 UTC. */
export const TEST_NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

let inode = 1000;

/** A text-detection entry in run `/runs/<run>` with hmean, precision and recall; override anything. */
export function sampleEntry(run: string, file: string, overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  const hmean = overrides.primary_metric?.value ?? 0.8;
  return {
    path: `/runs/${run}/checkpoints/${file}`,
    kind: "file",
    dev: 1,
    ino: inode++,
    size: 144_000,
    mtime_ms: TEST_NOW - 5 * 60_000,
    alias_of: null,
    status: "ok",
    run_dir: `/runs/${run}`,
    exp_name: run,
    task: "text-detection",
    framework: "lightning",
    architecture: "dbnet",
    encoder: "resnet18",
    epoch: 1,
    global_step: 100,
    created_at: "2026-11-22T11:55:00",
    primary_metric: { name: "hmean", value: hmean, higher_is_better: true },
    metrics: { precision: 0.79, recall: 0.99, hmean, validation_loss: 0.78 },
    sidecar: "valid",
    safety: "safe",
    problem: null,
    indexed_at: TEST_NOW - 60_000,
    ...overrides,
  };
}

/** The row as the catalog stores it; `metadata` is kept only for rows without a valid sidecar. */
export function stored(entry: CatalogEntry, metadata: CheckpointMetadataV1 | null = null): StoredEntry {
  return { ...entry, sidecar_present: entry.sidecar !== "missing", metadata };
}

/** Creates (or opens) the catalog at `path` and writes the entries and runs in one transaction. */
export function writeCatalog(
  path: string,
  changes: {
    entries?: readonly CatalogEntry[];
    runs?: readonly RunUpdate[];
    removed?: readonly string[];
    /** Assembled metadata by path, for the detail of entries without a sidecar. */
    metadata?: ReadonlyMap<string, CheckpointMetadataV1>;
  },
): void {
  const database: Database = openCatalogForWriting(path, { now: () => TEST_NOW });
  try {
    applyCatalogChanges(database, {
      upserts: (changes.entries ?? []).map((entry) =>
        stored(entry, changes.metadata?.get(entry.path) ?? null),
      ),
      runs: changes.runs ?? [],
      removed: changes.removed ?? [],
      now: TEST_NOW,
    });
  } finally {
    database.close();
  }
}
