import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import type { ChangeNotice } from "../../core/catalog/change-notice.ts";
import { ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import { detailCurveNames, detailCurves } from "../../core/runs/detail-curves.ts";
import type { CatalogStore } from "./catalog-store.ts";
import {
  type CheckpointDetail,
  EMPTY_DETAIL_CURVES,
  type EntriesRead,
  type TuiCatalogReader,
} from "./tui-catalog-reads.ts";

/** An entry's identity across hosts: two hosts may hold the same path. */
function keyOf(entry: { readonly host?: string | undefined; readonly path: string }): string {
  return `${entry.host ?? ""}\u0000${entry.path}`;
}

const byPathThenHost = (a: CatalogEntry, b: CatalogEntry) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : (a.host ?? "") < (b.host ?? "") ? -1 : 1;

/** Paths per fetch of the rows a notice named. */
const PATHS_PER_FETCH = 500;

/** What the next read must fetch: everything, whole hosts, or named paths of hosts. */
type Pending = { full: boolean; hosts: Set<string>; paths: Map<string, Set<string>> };

function emptyPending(): Pending {
  return { full: false, hosts: new Set(), paths: new Map() };
}

function addNotice(pending: Pending, notice: ChangeNotice | null): void {
  if (notice === null) pending.full = true;
  else if (notice.upserted === null || notice.removed === null) pending.hosts.add(notice.host);
  else {
    const paths = pending.paths.get(notice.host) ?? new Set<string>();
    for (const path of [...notice.upserted, ...notice.removed]) paths.add(path);
    pending.paths.set(notice.host, paths);
  }
}

/** Applies what was pending to `rows` (by `keyOf`), reading from the store only what changed. */
async function applyPending(
  store: CatalogStore,
  options: { roots: readonly string[]; rows: Map<string, CatalogEntry>; pending: Pending },
): Promise<void> {
  const { roots, rows, pending } = options;
  if (pending.full) {
    rows.clear();
    for (const entry of await store.listEntries({ roots })) rows.set(keyOf(entry), entry);
    return;
  }
  for (const host of pending.hosts) {
    for (const [key, entry] of rows) if (entry.host === host) rows.delete(key);
    for (const entry of await store.listEntries({ roots, hosts: [host] })) rows.set(keyOf(entry), entry);
  }
  for (const [host, named] of pending.paths) {
    if (pending.hosts.has(host)) continue;
    const paths = [...named];
    for (const path of paths) rows.delete(keyOf({ host, path }));
    for (let start = 0; start < paths.length; start += PATHS_PER_FETCH) {
      const batch = paths.slice(start, start + PATHS_PER_FETCH);
      for (const entry of await store.listEntries({ roots, hosts: [host], paths: batch }))
        rows.set(keyOf(entry), entry);
    }
  }
}

/**
 * A row's detail from the shared catalog: the metadata its host published (the sidecar is on that host's disk) and
 * its run's curves, chosen as the local detail chooses them.
 */
async function sharedDetail(store: CatalogStore, entry: CatalogEntry): Promise<CheckpointDetail> {
  const run = entry.run_dir === null ? null : { host: entry.host ?? store.host, dir: entry.run_dir };
  const [metadata, curves] = await Promise.all([
    store.storedMetadata(entry),
    run === null
      ? EMPTY_DETAIL_CURVES
      : store.runMetricNames(run).then(async (logged) => {
          const names = detailCurveNames(logged, entry);
          return detailCurves(names, await store.runMetricPoints(run, names.wanted));
        }),
  ]);
  return { ...detailBeforeLoaded(entry), metadata, ...curves };
}

function detailBeforeLoaded(entry: CatalogEntry): CheckpointDetail {
  return {
    metadata: null,
    sidecarPath: ownSidecarPath(entry),
    sidecarError: null,
    problems: [],
    fromSidecar: false,
    ...EMPTY_DETAIL_CURVES,
  };
}

/**
 * The TUI's view of a shared catalog. The TUI reads synchronously; the shared catalog answers asynchronously, so
 * the rows are kept here: read whole at start, then on each NOTIFY only the rows it names (a host's rows when it
 * names none), never by polling the server. Each update bumps `dataVersion`; `onLoaded` lets the TUI draw at once.
 */
export async function openSharedTuiReader(options: {
  readonly store: CatalogStore;
  readonly roots: readonly string[];
  readonly onLoaded?: () => void;
  readonly onError?: (error: unknown) => void;
}): Promise<TuiCatalogReader> {
  const { store, roots } = options;
  const rows = new Map<string, CatalogEntry>();
  let entries: readonly CatalogEntry[] = [];
  let version = 0;
  let previous: ReadonlySet<string> | null = null;
  let pending: Pending = { ...emptyPending(), full: true };
  let running: Promise<unknown> | null = null;
  // Each detail with the row object it was read for: a row a notice replaced has its detail read again.
  const details = new Map<string, { readonly row: CatalogEntry; readonly detail: CheckpointDetail }>();
  const detailLoads = new Set<string>();
  const settle = (): void => {
    entries = [...rows.values()].sort(byPathThenHost);
    version++;
    options.onLoaded?.();
  };
  /**
   * The TUI asks for a detail synchronously: the first ask starts the read and answers with the row alone; when
   * the read lands, the row is replaced by a copy so the view, which keys its detail on the row, asks again.
   */
  const readDetail = (entry: CatalogEntry): CheckpointDetail => {
    const key = keyOf(entry);
    const known = details.get(key);
    const row = rows.get(key);
    if (known !== undefined && known.row === row) return known.detail;
    if (row !== undefined && !detailLoads.has(key)) {
      detailLoads.add(key);
      void sharedDetail(store, row)
        .then(
          (detail) => {
            if (rows.get(key) !== row) return;
            const copy = { ...row };
            rows.set(key, copy);
            details.set(key, { row: copy, detail });
            settle();
          },
          (error: unknown) => options.onError?.(error),
        )
        .finally(() => detailLoads.delete(key));
    }
    return known?.detail ?? detailBeforeLoaded(entry);
  };
  const update = (): void => {
    if (running !== null) return;
    const taken = pending;
    pending = emptyPending();
    running = applyPending(store, { roots, rows, pending: taken })
      .then(() => {
        settle();
      })
      .then(
        () => true,
        (error: unknown) => {
          // Read everything again with the next notice, rather than retrying against a server that is down.
          pending.full = true;
          options.onError?.(error);
          return false;
        },
      )
      .then((succeeded) => {
        running = null;
        // Notices that came during the read are applied next.
        if (succeeded && (pending.full || pending.hosts.size > 0 || pending.paths.size > 0)) update();
      });
  };
  const unlisten = await store.onChange((notice) => {
    addNotice(pending, notice);
    update();
  });
  update();
  await running;
  return {
    dataVersion: () => version,
    readEntries: () => entries,
    readChanges: (): EntriesRead => {
      const added = previous === null ? [] : entries.filter((entry) => !previous?.has(keyOf(entry)));
      previous = new Set(entries.map(keyOf));
      return { entries, added: added.map((entry) => entry.path) };
    },
    readDetail,
    close: () => {
      void unlisten().finally(() => store.close());
    },
  };
}
