import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { ENTRY_COLUMNS, rootCondition, type SqlValue } from "../../core/catalog/entry-sql.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import type { MetadataProblem } from "../../core/metadata/validate-metadata.ts";
import { type DetailCurves, detailCurveNames, detailCurves } from "../../core/runs/detail-curves.ts";
import type { Curve } from "../../core/runs/metric-curve.ts";
import { readSidecar } from "../sidecar/sidecar-store.ts";
import { dataVersion, openCatalogForReading } from "./catalog-db.ts";
import { isProcessAlive, type LockHolder, readLockHolder } from "./catalog-lock.ts";
import { queryEntries, runMetricNames, runMetricPoints } from "./catalog-reads.ts";
import { type EntryRow, entryFromRow } from "./catalog-rows.ts";
import { storedMetadata } from "./catalog-stored-metadata.ts";

/** Everything the detail view shows beyond the catalog row; read on demand for one checkpoint. */
export type CheckpointDetail = {
  readonly metadata: CheckpointMetadataV1 | null;
  readonly sidecarPath: string;
  /** Why the sidecar could not be read (syntax error with file:line:col, unreadable), or null. */
  readonly sidecarError: string | null;
  readonly problems: readonly MetadataProblem[];
  /** The metadata came from a valid sidecar (else from the catalog's assembled copy). */
  readonly fromSidecar: boolean;
  /** The run's curve of the entry's primary metric, and of its task's loss. */
  readonly primaryCurve: Curve | null;
  readonly lossCurve: Curve | null;
};

/** What the TUI store needs from the catalog: a change counter, the rows, and one checkpoint's detail. */
export type TuiCatalogReader = {
  /** Changes whenever the catalog changed; -1 while the database file does not exist yet. */
  dataVersion(): number;
  readEntries(): readonly CatalogEntry[];
  /** The rows, reading again only those changed since the previous call. */
  readChanges(): EntriesRead;
  readDetail(entry: CatalogEntry): CheckpointDetail;
  close(): void;
};

/** What one read of the rows found: all of them (path order; unchanged rows keep their objects) and the new paths. */
export type EntriesRead = {
  readonly entries: readonly CatalogEntry[];
  /** Paths no previous read had; empty on the first (or a full) read. */
  readonly added: readonly string[];
};

/** Each listed row's rowid, path and `indexed_at`, in rowid order: enough to tell which rows changed. */
type Fingerprint = { readonly rowids: number[]; readonly paths: string[]; readonly stamps: number[] };

type ReadState = { readonly fingerprint: Fingerprint; readonly entries: readonly CatalogEntry[] };

/** Above this many changed rows one full query is cheaper than fetching them one by one. */
const MAX_FETCHED = 2_000;

function listedWhere(roots: readonly string[]): { sql: string; params: SqlValue[] } {
  const root = rootCondition(roots);
  return root === null
    ? { sql: "alias_of IS NULL", params: [] }
    : { sql: `alias_of IS NULL AND ${root.sql}`, params: [...root.params] };
}

function readFingerprint(database: Database, roots: readonly string[]): Fingerprint {
  const where = listedWhere(roots);
  const rows = database
    .query<[number, string, number], SqlValue[]>(
      `SELECT rowid, path, indexed_at FROM checkpoints WHERE ${where.sql} ORDER BY rowid`,
    )
    .values(...where.params);
  const fingerprint: Fingerprint = { rowids: [], paths: [], stamps: [] };
  for (const [rowid, path, stamp] of rows) {
    fingerprint.rowids.push(rowid as number);
    fingerprint.paths.push(path as string);
    fingerprint.stamps.push(stamp as number);
  }
  return fingerprint;
}

/**
 * Rowids to fetch (new, or same rowid with another path or `indexed_at`) and paths whose old row is gone. Every
 * catalog write is an `INSERT OR REPLACE` (new rowid) or a rename (new path), so this sees every change.
 */
function diffFingerprints(before: Fingerprint, after: Fingerprint) {
  const fetch: number[] = [];
  const dropped = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < before.rowids.length || j < after.rowids.length) {
    const old = before.rowids[i] ?? Number.POSITIVE_INFINITY;
    const now = after.rowids[j] ?? Number.POSITIVE_INFINITY;
    if (old < now) dropped.add(before.paths[i++] as string);
    else if (now < old) fetch.push(after.rowids[j++] as number);
    else {
      if (before.paths[i] !== after.paths[j] || before.stamps[i] !== after.stamps[j]) {
        dropped.add(before.paths[i] as string);
        fetch.push(now);
      }
      i++;
      j++;
    }
  }
  return { fetch, dropped };
}

const byPath = (a: CatalogEntry, b: CatalogEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The previous entries without the dropped paths, merged with the fetched ones (both in path order). */
function mergeEntries(kept: readonly CatalogEntry[], fetched: CatalogEntry[], dropped: ReadonlySet<string>) {
  const merged: CatalogEntry[] = [];
  fetched.sort(byPath);
  let j = 0;
  for (const entry of kept) {
    if (dropped.has(entry.path)) continue;
    while (j < fetched.length && byPath(fetched[j] as CatalogEntry, entry) < 0)
      merged.push(fetched[j++] as CatalogEntry);
    merged.push(entry);
  }
  while (j < fetched.length) merged.push(fetched[j++] as CatalogEntry);
  return merged;
}

/** Reads again only the rows changed since `previous` (all of them when `full`, or when too many changed). */
function readChanged(
  database: Database,
  options: { roots: readonly string[]; previous: ReadState | null; full: boolean },
) {
  const fingerprint = readFingerprint(database, options.roots);
  const { previous } = options;
  const delta =
    previous === null || options.full ? null : diffFingerprints(previous.fingerprint, fingerprint);
  if (previous === null || delta === null || delta.fetch.length > MAX_FETCHED) {
    const entries = queryEntries(database, { roots: options.roots });
    const known = previous === null ? null : new Set(previous.entries.map((entry) => entry.path));
    const added =
      known === null ? [] : entries.flatMap((entry) => (known.has(entry.path) ? [] : [entry.path]));
    return { state: { fingerprint, entries }, added };
  }
  const statement = database.query<EntryRow, [number]>(
    `SELECT ${ENTRY_COLUMNS.join(", ")} FROM checkpoints WHERE rowid = ?`,
  );
  const fetched = delta.fetch.flatMap((rowid) => {
    const row = statement.get(rowid);
    return row === null ? [] : [entryFromRow(row)];
  });
  const entries = mergeEntries(previous.entries, fetched, delta.dropped);
  const added = fetched.filter((entry) => !delta.dropped.has(entry.path)).map((entry) => entry.path);
  return { state: { fingerprint, entries }, added };
}

export const EMPTY_DETAIL_CURVES: DetailCurves = { primaryCurve: null, lossCurve: null };

/** The run's curves of the entry's primary metric and of its task's loss. */
function curvesOf(database: Database, entry: CatalogEntry): DetailCurves {
  if (entry.run_dir === null) return EMPTY_DETAIL_CURVES;
  const names = detailCurveNames(runMetricNames(database, entry.run_dir), entry);
  return detailCurves(names, runMetricPoints(database, entry.run_dir, names.wanted));
}

function detailOf(database: Database, entry: CatalogEntry): CheckpointDetail {
  const sidecarPath = ownSidecarPath(entry);
  const read = readSidecar(sidecarPath);
  const curves = curvesOf(database, entry);
  if (!read.success) {
    const sidecarError = read.error.code === "not-found" ? null : read.error.message;
    const metadata = storedMetadata(database, entry.path);
    return { metadata, sidecarPath, sidecarError, problems: [], fromSidecar: false, ...curves };
  }
  const fromSidecar = read.data.valid && read.data.data !== undefined;
  const metadata = fromSidecar ? (read.data.data ?? null) : storedMetadata(database, entry.path);
  return { metadata, sidecarPath, sidecarError: null, problems: read.data.problems, fromSidecar, ...curves };
}

function inodeOf(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

/**
 * A read-only view of the catalog for the TUI. The database is opened lazily (the embedded watcher may not have
 * created it yet) and reopened when the file was replaced (a corrupt catalog moved aside and rebuilt).
 */
export function openTuiCatalogReader(options: { path: string; roots: readonly string[] }): TuiCatalogReader {
  let database: Database | null = null;
  let inode: number | null = null;
  let reopened = 0;
  let state: (ReadState & { readonly opening: number }) | null = null;
  const current = (): Database | null => {
    const onDisk = inodeOf(options.path);
    if (database !== null && onDisk === inode) return database;
    database?.close();
    database = null;
    if (onDisk === null) return null;
    const opened = openCatalogForReading(options.path);
    if (!opened.success) throw new Error(opened.error.message);
    database = opened.data;
    inode = onDisk;
    reopened++;
    return database;
  };
  return {
    // A reopened database restarts its data_version, so the open count keeps the value moving forward.
    dataVersion: () => {
      const open = current();
      return open === null ? -1 : reopened * 1_000_000_000 + dataVersion(open);
    },
    readEntries: () => {
      const open = current();
      return open === null ? [] : queryEntries(open, { roots: options.roots });
    },
    readChanges: () => {
      const open = current();
      if (open === null) {
        state = { fingerprint: { rowids: [], paths: [], stamps: [] }, entries: [], opening: -1 };
        return { entries: [], added: [] };
      }
      // A replaced database numbers its rows anew: its first read is a full one.
      const full = state?.opening !== reopened;
      const previous = state;
      const read = open.transaction(() => readChanged(open, { roots: options.roots, previous, full }))();
      state = { ...read.state, opening: reopened };
      return { entries: read.state.entries, added: read.added };
    },
    readDetail: (entry) => {
      const open = current();
      if (open === null) {
        const sidecarPath = ownSidecarPath(entry);
        return {
          metadata: null,
          sidecarPath,
          sidecarError: null,
          problems: [],
          fromSidecar: false,
          ...EMPTY_DETAIL_CURVES,
        };
      }
      return detailOf(open, entry);
    },
    close: () => {
      database?.close();
      database = null;
    },
  };
}

/** The daemon (`ckpt watch`) keeping this catalog current, when its pid file names a live process. */
export function runningDaemon(catalogPath: string): LockHolder | null {
  const holder = readLockHolder(catalogPath);
  return holder !== null && holder.command === "watch" && isProcessAlive(holder.pid) ? holder : null;
}
