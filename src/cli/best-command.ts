import { type BestPick, bestEntries } from "../core/catalog/best-entries.ts";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import type { EntryFilter } from "../core/catalog/entry-query.ts";
import type { ModifiedWindow } from "../core/catalog/modified-window.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";
import { queryFailure } from "./catalog-session.ts";
import { catalogName, openQueryStore } from "./catalog-store-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { emptyResultHint } from "./empty-result-hint.ts";
import { narrowingFlags, parseFilterFlag, printEntries } from "./ls-command.ts";
import {
  LIST_REQUEST,
  listRequest,
  metricNamesIn,
  renderNameChoices,
  resolveColumnsFlag,
  resolveMetricFlag,
} from "./metric-name-flags.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";
import { parseTimeWindowFlags, TIME_WINDOW_FLAGS, TIME_WINDOW_USAGE } from "./time-window-flags.ts";

const USAGE = `Usage: ckpt best [DIR...] [options]

Prints the best checkpoint of each run (under DIR when given) by the run's primary metric, in that metric's
direction (hmean and mAP higher, losses lower); ties go to the later step. The table's ranked metric column is
marked ↑ (higher is better) or ↓; --json adds ranked_by: {name, higher_is_better} to each entry.

Options:
  --overall         one checkpoint: the best over all runs
  --metric NAME     rank by this metric instead of the primary one (hmean, mAP50, val_loss, …);
                    '--metric ${LIST_REQUEST}' lists the metric names
  --columns LIST    table columns, as for 'ckpt ls' ('--columns ${LIST_REQUEST}' lists them)
  --wide            every cell whole (by default the table is narrowed to the terminal, as for 'ckpt ls')
${TIME_WINDOW_USAGE}
${QUERY_USAGE}

Examples:
  ckpt best runs                              the best checkpoint of each run under runs
  ckpt best runs --overall --metric val_loss  the one with the lowest validation loss
  ckpt best --since 2w --json                 each run's best of the last two weeks, as JSON
`;

const BEST_FLAGS = {
  ...QUERY_FLAGS,
  ...TIME_WINDOW_FLAGS,
  overall: { type: "boolean", default: false },
  metric: { type: "string" },
  columns: { type: "string" },
  wide: { type: "boolean", default: false },
} as const;

type BestValues = ReturnType<typeof parseFlags<typeof BEST_FLAGS>>["values"];

type BestInput = {
  readonly values: BestValues;
  readonly positionals: readonly string[];
  readonly roots: string[];
  readonly catalogPath: string;
  readonly query: { filter?: EntryFilter; modified: ModifiedWindow };
};

function rankingOf(picks: readonly BestPick[]) {
  const byPath = new Map(picks.map((pick) => [pick.entry.path, pick]));
  return (entry: CatalogEntry) => {
    const pick = byPath.get(entry.path);
    return pick === undefined ? null : { name: pick.metric, higher_is_better: pick.higherIsBetter };
  };
}

async function printBest(context: CommandContext, store: CatalogStore | null, input: BestInput) {
  const { values, roots } = input;
  const logged = await metricNamesIn(store, values);
  const metric = values.metric === undefined ? undefined : resolveMetricFlag("best", values.metric, logged);
  const columns =
    values.columns === undefined ? undefined : resolveColumnsFlag("best", values.columns, logged);
  const entries = store === null ? [] : await store.listEntries({ roots, ...input.query });
  const picks = bestEntries(entries, {
    overall: values.overall,
    ...(metric === undefined ? {} : { metric: metric.key }),
  });
  if (picks.length === 0) {
    context.stderr.write(
      emptyResultHint({
        command: "best",
        catalogPath: input.catalogPath,
        total: store === null ? null : await store.countEntries(roots),
        roots,
        typedRoots: input.positionals,
        narrowing: narrowingFlags(values),
        matched: entries.length,
        metric: metric?.key ?? null,
        noScan: values["no-scan"],
      }),
    );
  }
  const best = picks.map((pick) => pick.entry);
  const aliases = store === null || !values.json ? new Map() : await store.aliasesOf(best);
  const options = {
    json: values.json,
    csv: values.csv,
    columns,
    wide: values.wide,
    aliases,
    rankedBy: rankingOf(picks),
  };
  printEntries(context, best, options);
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("best", context.args, BEST_FLAGS);
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const filter = parseFilterFlag("best", values.filter);
  const query = {
    ...(filter === undefined ? {} : { filter }),
    modified: parseTimeWindowFlags("best", values, context),
  };
  const { location, roots } = await prepareQuery("best", context, { values, positionals });
  const store = await openQueryStore(context, location);
  try {
    const listed = listRequest(values);
    const catalogPath = catalogName(location, store);
    if (listed !== null) {
      context.stdout.write(renderNameChoices(listed, await metricNamesIn(store, values)));
    } else await printBest(context, store, { values, positionals, roots, catalogPath, query });
    return 0;
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    await store?.close();
  }
}

export const bestCommand: Command = {
  name: "best",
  summary: "the best checkpoint of each run (or --overall) by its primary metric, direction respected",
  usage: USAGE,
  run,
};
