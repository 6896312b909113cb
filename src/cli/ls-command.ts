import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { entriesCsv, entryJson } from "../core/catalog/entry-output.ts";
import { type EntryFilter, parseEntryFilter, SORT_KEYWORDS } from "../core/catalog/entry-query.ts";
import { defaultLsColumns, LS_COLUMN_IDS, lsSections, namedLsColumns } from "../core/catalog/ls-columns.ts";
import { renderLsTable } from "../core/catalog/ls-table.ts";
import { type RankedBy, sharedRanking, withRankedColumn } from "../core/catalog/ranked-column.ts";
import { AppError } from "../core/errors/app-error.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";
import { queryFailure } from "./catalog-session.ts";
import { catalogName, openQueryStore, resolveHostFlag } from "./catalog-store-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayPathFrom } from "./display-path.ts";
import { emptyResultHint } from "./empty-result-hint.ts";
import {
  LIST_REQUEST,
  listRequest,
  metricNamesIn,
  renderNameChoices,
  resolveColumnsFlag,
  resolveSortFlag,
} from "./metric-name-flags.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";
import { tableWidth } from "./table-width.ts";
import { parseTimeWindowFlags, TIME_WINDOW_FLAGS, TIME_WINDOW_USAGE } from "./time-window-flags.ts";

const USAGE = `Usage: ckpt ls [DIR...] [options]

Lists catalogued checkpoints (under DIR when given): experiment, architecture, epoch, step, the task's primary
and standard metrics (a detector's mAP50, mAP50-95, precision, recall and losses; a classifier's accuracy, top-5
and losses), size, age, status and path. Checkpoints of several tasks get a table per task.

Options:
  --sort KEY        ${SORT_KEYWORDS.join(", ")}, or a metric name (hmean, mAP50, val_loss…);
                    prefix - for descending (--sort -hmean); missing values always last; primary is each
                    checkpoint's own primary metric, one metric after another, -primary the best first
  --limit N         at most N entries
  --columns LIST    comma-separated: ${LS_COLUMN_IDS.join(", ")}, or metric names
  --stats           catalog statistics instead of entries (same as 'ckpt stats')
  --host NAME[,…]   only checkpoints on these hosts (a shared catalog: --catalog postgres://…)
  --wide            every cell whole; by default the table is narrowed to the terminal ($COLUMNS when set):
                    paths lose middle directories (runs/…/checkpoints/last.ckpt), long names their middle
${TIME_WINDOW_USAGE}
${QUERY_USAGE}

'--sort ${LIST_REQUEST}' and '--columns ${LIST_REQUEST}' list the valid keys, columns and metric names (the canonical
ones and those logged in the catalog); metric names are matched in any case and framework spelling.

Examples:
  ckpt ls runs --sort -hmean --limit 5        the five best by H-mean (the catalog updated for runs first)
  ckpt ls runs --since 7d                     checkpoints written in the last week
  ckpt ls --filter dbnet --columns experiment,epoch,hmean,path
  ckpt ls runs --json                         every field, for scripts
  ckpt ls --sort ${LIST_REQUEST}                         the sort keys and metric names
`;

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0)
    throw new AppError("usage", `ls: --limit must be a whole number ≥ 0 (got '${text}')`);
  return limit;
}

/** `--filter` from text, as a usage error when malformed. */
export function parseFilterFlag(command: string, text: string | undefined): EntryFilter | undefined {
  if (text === undefined) return undefined;
  const parsed = parseEntryFilter(text);
  if (!parsed.success) throw new AppError("usage", `${command}: ${parsed.error}`);
  return parsed.data;
}

/** The narrowing flags as typed, for "none of the N checkpoints matches …". */
export function narrowingFlags(values: Readonly<Record<string, unknown>>): string[] {
  return ["filter", "since", "until"].flatMap((flag) =>
    typeof values[flag] === "string" ? [`--${flag} ${values[flag]}`] : [],
  );
}

type PrintOptions = {
  json: boolean;
  csv: boolean;
  /** Column ids as `resolveColumnsFlag` returns them; the default columns when absent. */
  columns?: readonly string[] | undefined;
  /** Every cell whole, however wide the table gets. */
  wide: boolean;
  aliases: ReadonlyMap<string, readonly string[]>;
  /** `best`: the metric each entry won by. */
  rankedBy?: ((entry: CatalogEntry) => RankedBy | null) | undefined;
};

function tableColumns(context: CommandContext, entries: readonly CatalogEntry[], options: PrintOptions) {
  const columnContext = { now: context.now(), displayPath: displayPathFrom(context.cwd) };
  if (options.columns !== undefined) return namedLsColumns(options.columns, columnContext);
  const columns = defaultLsColumns(entries, columnContext);
  const ranked = options.rankedBy === undefined ? null : sharedRanking(entries, options.rankedBy);
  const [ranking] = ranked === null ? [] : namedLsColumns([ranked.name], columnContext);
  return ranked === null || ranking === undefined ? columns : withRankedColumn(columns, { ranked, ranking });
}

/** Prints entries as a table, JSON array or CSV; shared with `best` and the TUI's plain fallback. */
export function printEntries(
  context: CommandContext,
  entries: readonly CatalogEntry[],
  options: PrintOptions,
): void {
  const isoTime = (ms: number) => new Date(ms).toISOString();
  if (options.json) {
    const json = entries.map((entry) => {
      const base = entryJson(entry, { isoTime, aliases: options.aliases });
      const ranked = options.rankedBy?.(entry) ?? null;
      return ranked === null ? base : { ...base, ranked_by: ranked };
    });
    context.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (options.csv) {
    context.stdout.write(entriesCsv(entries, { isoTime }));
    return;
  }
  const maxWidth = options.wide ? undefined : tableWidth(context);
  // Several tasks: a table each, so every column holds one metric and a sort never mixes two. Columns the user
  // named, or one metric every entry was ranked by (`best --metric`), make one table.
  const oneTable =
    options.columns !== undefined ||
    (options.rankedBy !== undefined && sharedRanking(entries, options.rankedBy) !== null);
  const sections = oneTable ? [{ task: null, entries }] : lsSections(entries);
  const tables = sections.map((section) => {
    const table = renderLsTable(section.entries, tableColumns(context, section.entries, options), {
      maxWidth,
    });
    if (sections.length === 1) return table;
    const count = `${section.entries.length} checkpoint${section.entries.length === 1 ? "" : "s"}`;
    return `${section.task ?? "task unknown"} · ${count}\n${table}`;
  });
  context.stdout.write(tables.join("\n"));
}

/** `--sort -hmean` reads as `--sort=-hmean`: parseArgs would take `-hmean` for an option. */
export function joinSortValue(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    const next = args[index + 1];
    if (arg === "--sort" && next?.startsWith("-") && next.length > 1) {
      joined.push(`--sort=${next}`);
      index++;
    } else joined.push(arg);
  }
  return joined;
}

const LS_FLAGS = {
  ...QUERY_FLAGS,
  ...TIME_WINDOW_FLAGS,
  sort: { type: "string" },
  limit: { type: "string" },
  columns: { type: "string" },
  stats: { type: "boolean", default: false },
  wide: { type: "boolean", default: false },
  host: { type: "string" },
} as const;

type LsValues = ReturnType<typeof parseFlags<typeof LS_FLAGS>>["values"];

/** Everything `ls` takes from its flags that needs no catalog: typos here fail before any scan. */
function parseLsFlags(context: CommandContext, values: LsValues) {
  const limit = parseLimit(values.limit);
  const filter = parseFilterFlag("ls", values.filter);
  const modified = parseTimeWindowFlags("ls", values, context);
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(filter === undefined ? {} : { filter }),
    modified,
  };
}

type ListInput = {
  readonly values: LsValues;
  readonly query: ReturnType<typeof parseLsFlags>;
  readonly positionals: readonly string[];
  readonly roots: string[];
  readonly catalogPath: string;
};

async function listEntries(context: CommandContext, store: CatalogStore | null, input: ListInput) {
  const { values, roots } = input;
  const logged = await metricNamesIn(store, values);
  const sort = values.sort === undefined ? undefined : resolveSortFlag("ls", values.sort, logged);
  const columns = values.columns === undefined ? undefined : resolveColumnsFlag("ls", values.columns, logged);
  const hosts = await resolveHostFlag("ls", values.host, store);
  const query = {
    roots,
    ...input.query,
    ...(sort === undefined ? {} : { sort }),
    ...(hosts === undefined ? {} : { hosts }),
  };
  const entries = store === null ? [] : await store.listEntries(query);
  if (entries.length === 0 && input.query.limit !== 0) {
    const narrowing = [
      ...narrowingFlags(values),
      ...(values.host === undefined ? [] : [`--host ${values.host}`]),
    ];
    context.stderr.write(
      emptyResultHint({
        command: "ls",
        catalogPath: input.catalogPath,
        total: store === null ? null : await store.countEntries(roots),
        roots,
        typedRoots: input.positionals,
        narrowing,
        matched: 0,
        noScan: values["no-scan"],
      }),
    );
  }
  const aliases = store === null || !values.json ? new Map() : await store.aliasesOf(entries);
  printEntries(context, entries, { json: values.json, csv: values.csv, columns, wide: values.wide, aliases });
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("ls", joinSortValue(context.args), LS_FLAGS);
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const query = parseLsFlags(context, values);
  const { location, roots } = await prepareQuery("ls", context, { values, positionals });
  // `--stats` is stats' report (disk health, the catalog's facts): loaded only when asked for.
  const statsReport = values.stats ? await import("./stats-command.ts") : null;
  const { store, local, close } = statsReport
    ? await statsReport.openStatsSources(context, location)
    : await openListSources(context, location);
  try {
    const listed = listRequest(values);
    const catalogPath = catalogName(location, store);
    if (statsReport) {
      const stats = { catalog: catalogPath, local, roots, json: values.json, modified: query.modified };
      await statsReport.writeCatalogStats(context, store, stats);
    } else if (listed !== null) {
      context.stdout.write(renderNameChoices(listed, await metricNamesIn(store, values)));
    } else await listEntries(context, store, { values, query, positionals, roots, catalogPath });
    return 0;
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    await close();
  }
}

async function openListSources(context: CommandContext, location: CatalogLocation) {
  const store = await openQueryStore(context, location);
  return { store, local: null, close: async () => await store?.close() };
}

export const lsCommand: Command = {
  name: "ls",
  summary: "list catalogued checkpoints: sort by metric, epoch, step, mtime or size; filter; JSON or CSV",
  usage: USAGE,
  run,
};
