import type { Database } from "bun:sqlite";
import { aliasKey } from "../../core/catalog/alias-key.ts";
import { dataVersion } from "./catalog-db.ts";
import {
  aliasesOf,
  catalogStats,
  countEntries,
  knownRoots,
  loggedMetricNames,
  queryEntries,
  rankRows,
  runByDir,
  runDirsUnder,
  runMetricNames,
  runMetricPoints,
} from "./catalog-reads.ts";
import type { CatalogStore, EntryListing, HostedEntry, RunKey } from "./catalog-store.ts";

/** How often a SQLite subscriber asks `PRAGMA data_version` whether another connection committed. */
const DATA_VERSION_POLL_MS = 250;

/** The local catalog holds this host's rows only: a run of another host is not in it. */
function isLocal(host: string, run: RunKey): boolean {
  return run.host === host;
}

function listedHere(host: string, listing: EntryListing): HostedEntry[] | null {
  return listing.hosts !== undefined && !listing.hosts.includes(host) ? [] : null;
}

const writes = () => import("./catalog-writes.ts");

/**
 * The local SQLite catalog behind the `CatalogStore` interface: the functions of `catalog-reads.ts` and
 * `catalog-writes.ts` over one open database, every row this host's. Synchronous underneath; the promises only
 * match the shared catalog's shape.
 */
export function sqliteCatalogStore(database: Database, options: { host: string }): CatalogStore {
  const { host } = options;
  const name = database.filename;
  return {
    kind: "sqlite",
    name,
    host,
    listEntries: async (listing) => {
      const { hosts: _hosts, ...query } = listing;
      return listedHere(host, listing) ?? queryEntries(database, query);
    },
    countEntries: async (roots) => countEntries(database, roots),
    aliasesOf: async (entries) => {
      // Every row of a local catalog is this host's: its aliases are found by path alone.
      const byPath = aliasesOf(
        database,
        entries.map((entry) => entry.path),
      );
      return new Map(
        entries.flatMap((entry): [string, string[]][] => {
          const found = byPath.get(entry.path);
          return found === undefined ? [] : [[aliasKey(entry), found]];
        }),
      );
    },
    rankRows: async (roots) => rankRows(database, roots),
    stats: async (query) => catalogStats(database, { ...query, catalog: name }),
    loggedMetricNames: async () => loggedMetricNames(database),
    runMetricNames: async (run) => (isLocal(host, run) ? runMetricNames(database, run.dir) : []),
    runMetricPoints: async (run, names) =>
      isLocal(host, run) ? runMetricPoints(database, run.dir, names) : [],
    runsAt: async (dir) => {
      const own = runByDir(database, dir);
      const runs =
        own !== null ? [own] : runDirsUnder(database, dir).map((under) => runByDir(database, under));
      return runs.flatMap((run) => (run === null ? [] : [{ host, dir: run.dir, task: run.task }]));
    },
    storedMetadata: async (entry) =>
      entry.host === undefined || entry.host === host
        ? (await import("./catalog-stored-metadata.ts")).storedMetadata(database, entry.path)
        : null,
    knownRoots: async () => knownRoots(database),
    hosts: async () => (countEntries(database, []) > 0 ? [host] : []),
    // The write half is loaded on the first write: a query never needs it (nor the zod its roots file brings).
    applyChanges: async (changes) => (await writes()).applyCatalogChanges(database, changes),
    deletePaths: async (paths) => (await writes()).deleteCatalogPaths(database, paths),
    recordScan: async (scan) => (await writes()).recordScan(database, scan),
    onChange: async (listener) => {
      let seen = dataVersion(database);
      const timer = setInterval(() => {
        const now = dataVersion(database);
        if (now === seen) return;
        seen = now;
        listener(null);
      }, DATA_VERSION_POLL_MS);
      return async () => clearInterval(timer);
    },
    close: async () => database.close(),
  };
}
