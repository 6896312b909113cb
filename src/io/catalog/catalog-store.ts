import type { AliasTarget } from "../../core/catalog/alias-key.ts";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import type { CatalogStats } from "../../core/catalog/catalog-stats.ts";
import type { ChangeNotice } from "../../core/catalog/change-notice.ts";
import type { EntrySqlOptions } from "../../core/catalog/entry-sql.ts";
import type { ModifiedWindow } from "../../core/catalog/modified-window.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import type { StoredPoint } from "../../core/runs/metric-curve.ts";
import type { RankRow } from "./catalog-reads.ts";
import type { CatalogChanges, DeletedPath } from "./catalog-writes.ts";

/** A catalog row; in a shared catalog `host` says whose disk holds the checkpoint (absent: this host's). */
export type HostedEntry = CatalogEntry;

/** What `ls` and the TUI ask for: `EntrySqlOptions` without the dialect, which is the store's business. */
export type EntryListing = Omit<EntrySqlOptions, "dialect">;

/** One batch of this host's rows: upserts, removed paths and runs, applied all or nothing. */
export type StoreChanges = Omit<CatalogChanges, "renames">;

/** A run as a host catalogued it: run directories of two hosts may share a name. */
export type RunKey = { readonly host: string; readonly dir: string };

/** A run `ckpt metrics` can name: its key and its task. */
export type RunAt = RunKey & { readonly task: string | null };

/**
 * The catalog as the CLI, the TUI and the daemon use it, whichever database holds it: the local SQLite file
 * (the default) or a PostgreSQL server that several hosts share. Writes go to this host's rows only; reads see
 * every host. No SQL lives outside the implementations (`sqlite-catalog-store.ts`, `postgres-catalog-store.ts`).
 */
export type CatalogStore = {
  readonly kind: "sqlite" | "postgres";
  /** Where it is, for messages: a file path, or a URL without its password. */
  readonly name: string;
  /** The host this process writes as (`CKPT_HOST`, else the machine's hostname). */
  readonly host: string;
  listEntries(listing: EntryListing): Promise<HostedEntry[]>;
  /** Primary entries under the roots (all hosts): tells "nothing here" from "all filtered out". */
  countEntries(roots: readonly string[]): Promise<number>;
  /** Hard-link and symlink paths of each given primary entry on its host, by `aliasKey`; none: not in the map. */
  aliasesOf(entries: readonly AliasTarget[]): Promise<Map<string, string[]>>;
  /** What `best` ranks: every primary entry with a primary metric. */
  rankRows(roots: readonly string[]): Promise<RankRow[]>;
  stats(options: { roots: readonly string[]; modified?: ModifiedWindow }): Promise<CatalogStats>;
  loggedMetricNames(): Promise<string[]>;
  runMetricNames(run: RunKey): Promise<string[]>;
  runMetricPoints(run: RunKey, names?: readonly string[]): Promise<StoredPoint[]>;
  /** The run whose directory is `dir`, else the runs of the primary entries under `dir` (every host), sorted. */
  runsAt(dir: string): Promise<RunAt[]>;
  /**
   * The metadata the catalog holds for a row (`lookUpStoredMetadata`; a shared catalog stores every host's, since
   * other hosts cannot read its sidecars), or null.
   */
  storedMetadata(entry: HostedEntry): Promise<CheckpointMetadataV1 | null>;
  /** The roots every scan so far has covered, on any host. */
  knownRoots(): Promise<string[]>;
  /** The hosts that have rows, sorted: what `ls --host` is checked against. */
  hosts(): Promise<string[]>;
  applyChanges(changes: StoreChanges): Promise<void>;
  /** Drops the rows of paths gone from disk: a path's own row, or every row below a directory. */
  deletePaths(paths: readonly string[]): Promise<DeletedPath[]>;
  recordScan(scan: { at: string; seconds: number; roots: readonly string[] }): Promise<void>;
  /**
   * Calls `listener` after a change committed by any writer (SQLite: `data_version` polled, no notice;
   * PostgreSQL: LISTEN/NOTIFY, with the host and paths when they fit). Resolves to the function that stops it.
   */
  onChange(listener: (notice: ChangeNotice | null) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};
