import { ENTRY_STATUSES, isOneOf, SIDECAR_STATES } from "../../core/catalog/catalog-constants.ts";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { ENTRY_COLUMNS, type SqlValue } from "../../core/catalog/entry-sql.ts";
import { metricSortKey } from "../../core/catalog/metric-sort-key.ts";
import type { CheckpointMetadataV1, MetricsInfo } from "../../core/metadata/metadata-schema.ts";

/** An entry as the scan stores it: the row plus what only the writer needs. */
export type StoredEntry = CatalogEntry & {
  readonly sidecar_present: boolean;
  readonly metadata: CheckpointMetadataV1 | null;
};

/** A row as bun:sqlite returns it for `ENTRY_COLUMNS`. */
export type EntryRow = Readonly<Record<(typeof ENTRY_COLUMNS)[number], SqlValue>>;

function text(value: SqlValue): string | null {
  return typeof value === "string" ? value : null;
}

function num(value: SqlValue): number | null {
  return typeof value === "number" ? value : null;
}

function isMetricValue(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "number";
}

/**
 * The metrics block the writer validated and stored. Checked structurally rather than with `MetricsInfo` (zod):
 * loading zod would double `ckpt ls`'s start-up time.
 */
function isMetricsInfo(value: unknown): value is MetricsInfo {
  if (typeof value !== "object" || value === null) return false;
  const fields = Object.entries(value);
  return fields.every(([key, field]) =>
    key === "additional_metrics"
      ? typeof field === "object" &&
        field !== null &&
        Object.values(field).every((extra) => typeof extra === "number")
      : isMetricValue(field),
  );
}

export function metricsOf(json: SqlValue): CatalogEntry["metrics"] {
  if (typeof json !== "string") return null;
  const parsed: unknown = JSON.parse(json);
  return isMetricsInfo(parsed) ? parsed : null;
}

/** Turns a row back into an entry; values the schema does not know fall back rather than throw. */
export function entryFromRow(row: EntryRow): CatalogEntry {
  const primaryName = text(row.primary_name);
  const entry = {
    path: text(row.path) ?? "",
    kind: row.kind === "hf-dir" || row.kind === "sharded-dir" ? row.kind : "file",
    alias_of: text(row.alias_of),
    dev: num(row.dev) ?? 0,
    ino: num(row.ino) ?? 0,
    size: num(row.size) ?? 0,
    mtime_ms: num(row.mtime_ms) ?? 0,
    status: isOneOf(ENTRY_STATUSES, row.status) ? row.status : "unread",
    run_dir: text(row.run_dir),
    exp_name: text(row.exp_name),
    task: text(row.task),
    framework: text(row.framework),
    architecture: text(row.architecture),
    encoder: text(row.encoder),
    epoch: num(row.epoch),
    global_step: num(row.global_step),
    created_at: text(row.created_at),
    primary_metric:
      primaryName === null
        ? null
        : { name: primaryName, value: num(row.primary_value), higher_is_better: row.primary_higher === 1 },
    metrics: metricsOf(row.metrics_json),
    sidecar: isOneOf(SIDECAR_STATES, row.sidecar_state) ? row.sidecar_state : "missing",
    safety: row.safety === "safe" || row.safety === "unknown" || row.safety === "unsafe" ? row.safety : null,
    problem: text(row.problem),
    indexed_at: num(row.indexed_at) ?? 0,
  } satisfies CatalogEntry;
  return entry;
}

/** Column order of `INSERT OR REPLACE INTO checkpoints`. */
export const STORED_COLUMNS = [
  ...ENTRY_COLUMNS,
  "primary_canonical",
  "metadata_json",
  "sidecar_present",
  "dir",
] as const;

/** The directory a row belongs to, as the walk names it (`/a/b` for `/a/b/c.ckpt`; `/` for `/c.ckpt`). */
export function directoryOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

/**
 * Metadata objects parsed from JSON text (a read worker's, `catalog-read-wire.ts`) and that very text: the row stores
 * it as it came instead of stringifying the object again on the thread that also writes. Weak: gone with the object.
 */
const parsedFrom = new WeakMap<CheckpointMetadataV1, string>();

/** Parses metadata JSON, remembering the text for its row. */
export function parseMetadataJson(json: string): CheckpointMetadataV1 {
  const metadata = JSON.parse(json) as CheckpointMetadataV1;
  parsedFrom.set(metadata, json);
  return metadata;
}

function metadataJson(metadata: CheckpointMetadataV1): string {
  return parsedFrom.get(metadata) ?? JSON.stringify(metadata);
}

/** The values of one stored entry, in `STORED_COLUMNS` order. */
export function rowValues(entry: StoredEntry): SqlValue[] {
  const primary = entry.primary_metric;
  const byColumn: Record<(typeof STORED_COLUMNS)[number], SqlValue> = {
    ...entry,
    metrics_json: entry.metrics === null ? null : JSON.stringify(entry.metrics),
    primary_name: primary?.name ?? null,
    primary_value: primary?.value ?? null,
    primary_higher: primary === null ? null : primary.higher_is_better ? 1 : 0,
    primary_canonical: primary === null ? null : metricSortKey(primary.name),
    sidecar_state: entry.sidecar,
    // A valid sidecar holds this very metadata, so the row does not copy it (2 KB of JSON a row was most of a
    // cold scan's SQLite time and of the catalog's size); `storedMetadata` reads the sidecar when asked.
    metadata_json: entry.metadata === null || entry.sidecar === "valid" ? null : metadataJson(entry.metadata),
    sidecar_present: entry.sidecar_present ? 1 : 0,
    dir: directoryOf(entry.path),
  };
  return STORED_COLUMNS.map((column) => byColumn[column]);
}
