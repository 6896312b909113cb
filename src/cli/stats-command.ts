import { renderCatalogStats } from "../core/catalog/catalog-stats.ts";
import type { ModifiedWindow } from "../core/catalog/modified-window.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";
import { queryFailure } from "./catalog-session.ts";
import { catalogName, openQueryStore } from "./catalog-store-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";
import { parseTimeWindowFlags, TIME_WINDOW_FLAGS, TIME_WINDOW_USAGE } from "./time-window-flags.ts";

const USAGE = `Usage: ckpt stats [DIR...] [options]

Catalog statistics (under DIR when given): checkpoints and runs, metadata coverage (valid sidecars ÷
checkpoints), counts per framework and status, total bytes, last scan time. Same as 'ckpt ls --stats'.

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

/** Prints the statistics of `database` (null: not created yet), as `stats` and `ls --stats` both do. */
export async function writeCatalogStats(
  context: CommandContext,
  store: CatalogStore | null,
  options: {
    readonly catalog: string;
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
  context.stdout.write(options.json ? `${JSON.stringify(stats, null, 2)}\n` : renderCatalogStats(stats));
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("stats", context.args, { ...QUERY_FLAGS, ...TIME_WINDOW_FLAGS });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const modified = parseTimeWindowFlags("stats", values, context);
  const { location, roots } = await prepareQuery("stats", context, { values, positionals });
  const store = await openQueryStore(context, location);
  try {
    const catalog = catalogName(location, store);
    await writeCatalogStats(context, store, { catalog, roots, json: values.json, modified });
    return 0;
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    await store?.close();
  }
}

export const statsCommand: Command = {
  name: "stats",
  summary: "catalog statistics: count, metadata coverage, frameworks, bytes, last scan",
  usage: USAGE,
  run,
};
