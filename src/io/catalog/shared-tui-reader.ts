import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import type { CheckpointDetail, EntriesRead, TuiCatalogReader } from "../tui-catalog-reads.ts";
import type { CatalogStore } from "./catalog-store.ts";

/** An entry's identity across hosts: two hosts may hold the same path. */
function keyOf(entry: CatalogEntry): string {
  return `${entry.host ?? ""}\u0000${entry.path}`;
}

/**
 * The TUI's view of a shared catalog. The TUI reads synchronously; the shared catalog answers asynchronously, so
 * the rows are kept here: loaded at start and again whenever a NOTIFY says a host committed (no polling of the
 * server), each load bumping `dataVersion`. `onLoaded` lets the TUI draw at once instead of at its next poll.
 */
export async function openSharedTuiReader(options: {
  readonly store: CatalogStore;
  readonly roots: readonly string[];
  readonly onLoaded?: () => void;
  readonly onError?: (error: unknown) => void;
}): Promise<TuiCatalogReader> {
  const { store, roots } = options;
  let entries: readonly CatalogEntry[] = [];
  let version = 0;
  let previous: ReadonlySet<string> | null = null;
  let loading: Promise<void> | null = null;
  let again = false;
  const load = async (): Promise<void> => {
    entries = await store.listEntries({ roots });
    version++;
    options.onLoaded?.();
  };
  // Notifications arriving during a load coalesce into one more load after it.
  const reload = () => {
    if (loading !== null) {
      again = true;
      return;
    }
    loading = load()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        loading = null;
        if (again) {
          again = false;
          reload();
        }
      });
  };
  const unlisten = await store.onChange(reload);
  await load();
  return {
    dataVersion: () => version,
    readEntries: () => entries,
    readChanges: (): EntriesRead => {
      const added = previous === null ? [] : entries.filter((entry) => !previous?.has(keyOf(entry)));
      previous = new Set(entries.map(keyOf));
      return { entries, added: added.map((entry) => entry.path) };
    },
    readDetail: (entry): CheckpointDetail => ({
      // The sidecar and the run's files are on the entry's host: the shared catalog holds the row only.
      metadata: null,
      sidecarPath: sidecarPathFor(entry.path, { kind: entry.kind === "file" ? "file" : "directory" }),
      sidecarError: null,
      problems: [],
      fromSidecar: false,
      primaryCurve: null,
      lossCurve: null,
    }),
    close: () => {
      void unlisten().finally(() => store.close());
    },
  };
}
