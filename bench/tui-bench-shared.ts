// The shared mode of tui-bench.ts: the rows in a PostgreSQL catalog (started here, as the tests start theirs),
// written by 8 hosts at once, read as `ckpt tui --catalog postgres://…` reads them (openSharedTuiReader).
import type { CatalogEntry } from "../src/core/catalog/catalog-entry.ts";
import type { StoredEntry } from "../src/io/catalog/catalog-rows.ts";
import { openPostgresCatalogStore } from "../src/io/catalog/postgres-catalog-store.ts";
import { openSharedTuiReader } from "../src/io/catalog/shared-tui-reader.ts";
import type { TuiCatalogReader } from "../src/io/catalog/tui-catalog-reads.ts";
import { startPostgres } from "../test/helpers/postgres-server.ts";

const HOSTS = 8;
const ROWS_PER_WRITE = 2500;

export type SharedBenchSource = {
  readonly reader: TuiCatalogReader;
  readonly catalogName: string;
  /** Seconds the 8 hosts took to write every row; milliseconds the reader's first read of them took. */
  readonly loadSeconds: number;
  readonly firstReadMs: number;
  /** One row written by the host that owns its run, as its `ckpt watch` publication would. */
  write(entry: StoredEntry): Promise<void>;
  close(): Promise<void>;
};

/** Run `run_dir`'s host: runs are dealt round-robin over the hosts. */
function hostIndexOf(entry: CatalogEntry, runIndex: (entry: CatalogEntry) => number): number {
  return runIndex(entry) % HOSTS;
}

export async function openSharedBenchSource(
  entries: readonly StoredEntry[],
  runIndex: (entry: CatalogEntry) => number,
): Promise<SharedBenchSource> {
  const server = await startPostgres();
  const url = await server.createDatabase("tui_bench");
  const writers = await Promise.all(
    Array.from({ length: HOSTS }, (_, host) => openPostgresCatalogStore(url, { host: `gpu-${host}` })),
  );
  const started = performance.now();
  await Promise.all(
    writers.map(async (writer, host) => {
      const own = entries.filter((entry) => hostIndexOf(entry, runIndex) === host);
      for (let start = 0; start < own.length; start += ROWS_PER_WRITE)
        await writer.applyChanges({ upserts: own.slice(start, start + ROWS_PER_WRITE), now: Date.now() });
    }),
  );
  const loadSeconds = (performance.now() - started) / 1000;
  await writers[0]?.sql.unsafe("ANALYZE");
  const viewer = await openPostgresCatalogStore(url, { host: "laptop" });
  const reading = performance.now();
  const reader = await openSharedTuiReader({ store: viewer, roots: [] });
  const firstReadMs = performance.now() - reading;
  return {
    reader,
    catalogName: viewer.name,
    loadSeconds,
    firstReadMs,
    write: (entry) =>
      writers[hostIndexOf(entry, runIndex)]?.applyChanges({ upserts: [entry], now: Date.now() }) ??
      Promise.resolve(),
    close: async () => {
      reader.close();
      await Promise.all(writers.map((writer) => writer.close()));
      await server.stop();
    },
  };
}
