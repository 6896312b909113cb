import type { Database } from "bun:sqlite";
import { renderCatalogStats } from "../core/catalog/catalog-stats.ts";
import type { ModifiedWindow } from "../core/catalog/modified-window.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";
import { openForQuery, queryFailure } from "./catalog-session.ts";
import { catalogName, openQueryStore } from "./catalog-store-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { healthSectionOf, renderHealthSection } from "./disk-health-section.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";
import { parseTimeWindowFlags, TIME_WINDOW_FLAGS, TIME_WINDOW_USAGE } from "./time-window-flags.ts";

const USAGE = `Usage: ckpt stats [DIR...] [options]

Catalog statistics (under DIR when given): checkpoints and runs, metadata coverage (valid sidecars ÷
checkpoints), counts per framework and status, total bytes, last scan time. Same as 'ckpt ls --stats'.
Then disk and run health: free space of each filesystem holding DIR (else the catalog's roots), checkpoint bytes
written per hour over the last 6 h, when the filesystem fills at that rate (a warning under 24 h), and stalled runs:
no checkpoint for over 2x the run's own median interval (needs 3 intervals), or the newest checkpoint incomplete for
longer than the watcher waits for it (1 h). --since/--until do not narrow the health block.

Options:
${TIME_WINDOW_USAGE}
${QUERY_USAGE}

Examples:
  ckpt stats runs                  how many checkpoints under runs, and how many have valid sidecars
  ckpt stats --since 7d --json     the last week's checkpoints in the whole catalog, as JSON
`;

/** Statistics of a catalog that does not exist yet. */
function emptyStats(catalog: string) {
  return {
    checkpoints: 0,
    sidecars_valid: 0,
    metadata_coverage_percent: 0,
    by_framework: {},
    by_status: {},
    runs: 0,
    total_bytes: 0,
    last_scan_at: null,
    catalog,
  };
}

/**
 * The store a statistics query reads and this host's own catalog, opened once for both: the store's for a local
 * catalog, the disk health block's in any case.
 */
export async function openStatsSources(context: CommandContext, location: CatalogLocation) {
  const local = openForQuery(location);
  const store = await openQueryStore(context, location, local);
  return {
    store,
    local,
    close: async () => {
      await store?.close();
      if (store?.kind !== "sqlite") local?.close();
    },
  };
}

/** Prints the statistics of `database` (null: not created yet), as `stats` and `ls --stats` both do. */
export async function writeCatalogStats(
  context: CommandContext,
  store: CatalogStore | null,
  options: {
    readonly catalog: string;
    /** This host's own SQLite catalog (a shared catalog's working copy), which the disk health block reads. */
    readonly local: Database | null;
    readonly roots: readonly string[];
    readonly json: boolean;
    /** Only checkpoints modified in this window (`--since`/`--until`). */
    readonly modified: ModifiedWindow;
  },
): Promise<void> {
  const stats =
    store === null
      ? emptyStats(options.catalog)
      : {
          ...(await store.stats({ roots: options.roots, modified: options.modified })),
          catalog: options.catalog,
        };
  // Free space and write rates are this machine's: read from its own catalog (a shared one's working copy).
  const roots = options.roots.length > 0 ? options.roots : null;
  const health = healthSectionOf(options.local, { roots, nowMs: context.now() });
  if (options.json) context.stdout.write(`${JSON.stringify({ ...stats, ...health }, null, 2)}\n`);
  else context.stdout.write(`${renderCatalogStats(stats)}${renderHealthSection(health)}`);
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("stats", context.args, { ...QUERY_FLAGS, ...TIME_WINDOW_FLAGS });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const modified = parseTimeWindowFlags("stats", values, context);
  const { location, roots } = await prepareQuery("stats", context, { values, positionals });
  const { store, local, close } = await openStatsSources(context, location);
  try {
    const catalog = catalogName(location, store);
    await writeCatalogStats(context, store, { catalog, local, roots, json: values.json, modified });
    return 0;
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    await close();
  }
}

export const statsCommand: Command = {
  name: "stats",
  summary: "catalog statistics: count, metadata coverage, frameworks, bytes, last scan",
  usage: USAGE,
  run,
};
