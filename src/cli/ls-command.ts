import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { entriesCsv, entryJson } from "../core/catalog/entry-output.ts";
import {
  type EntryFilter,
  parseEntryFilter,
  parseSortSpec,
  type SortSpec,
} from "../core/catalog/entry-query.ts";
import { defaultLsColumns, LS_COLUMN_IDS, namedLsColumns } from "../core/catalog/ls-columns.ts";
import { renderLsTable } from "../core/catalog/ls-table.ts";
import { AppError } from "../core/errors/app-error.ts";
import { aliasesOf, queryEntries } from "../io/catalog-reads.ts";
import { openForQuery } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";
import { writeCatalogStats } from "./stats-command.ts";
import { tableWidth } from "./table-width.ts";

const USAGE = `Usage: ckpt ls [DIR...] [options]

Lists catalogued checkpoints (under DIR when given): experiment, architecture, epoch, step, the task's primary
and standard metrics, size, age, status and path.

Options:
  --sort KEY        epoch, step, mtime, size, path, primary, or a metric name (hmean, mAP50, val_loss…);
                    prefix - for descending (--sort -hmean); missing values always last
  --limit N         at most N entries
  --columns LIST    comma-separated: ${LS_COLUMN_IDS.join(", ")}, metric, or metric names
  --stats           catalog statistics instead of entries (same as 'ckpt stats')
  --wide            every cell whole; by default the table is narrowed to the terminal ($COLUMNS when set):
                    paths lose middle directories (runs/…/checkpoints/last.ckpt), long names end in …
${QUERY_USAGE}
`;

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0)
    throw new AppError("usage", `ls: --limit must be a whole number ≥ 0 (got '${text}')`);
  return limit;
}

/** `--sort` and `--filter` from text, as usage errors when malformed. */
export function parseQueryText(command: string, sort: string | undefined, filter: string | undefined) {
  const parsedSort = sort === undefined ? undefined : parseSortSpec(sort);
  if (parsedSort !== undefined && !parsedSort.success)
    throw new AppError("usage", `${command}: ${parsedSort.error}`);
  const parsedFilter = filter === undefined ? undefined : parseEntryFilter(filter);
  if (parsedFilter !== undefined && !parsedFilter.success)
    throw new AppError("usage", `${command}: ${parsedFilter.error}`);
  const result: { sort?: SortSpec; filter?: EntryFilter } = {};
  if (parsedSort?.success) result.sort = parsedSort.data;
  if (parsedFilter?.success) result.filter = parsedFilter.data;
  return result;
}

/** Paths under the working directory print relative to it (as `validate` does); others stay absolute. */
function displayPathFrom(cwd: string): (path: string) => string {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return (path) => (path.startsWith(prefix) ? path.slice(prefix.length) : path);
}

/** Prints entries as a table, JSON array or CSV; shared with `best`. */
export function printEntries(
  context: CommandContext,
  entries: readonly CatalogEntry[],
  options: {
    json: boolean;
    csv: boolean;
    columns?: string | undefined;
    /** Every cell whole, however wide the table gets. */
    wide: boolean;
    aliases: ReadonlyMap<string, readonly string[]>;
  },
): void {
  const isoTime = (ms: number) => new Date(ms).toISOString();
  if (options.json) {
    const json = entries.map((entry) => entryJson(entry, { isoTime, aliases: options.aliases }));
    context.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (options.csv) {
    context.stdout.write(entriesCsv(entries, { isoTime }));
    return;
  }
  const columnContext = { now: context.now(), displayPath: displayPathFrom(context.cwd) };
  const columns =
    options.columns === undefined
      ? defaultLsColumns(entries, columnContext)
      : namedLsColumns(
          options.columns
            .split(",")
            .map((id) => id.trim())
            .filter(Boolean),
          columnContext,
        );
  const maxWidth = options.wide ? undefined : tableWidth(context);
  context.stdout.write(renderLsTable(entries, columns, { maxWidth }));
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

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("ls", joinSortValue(context.args), {
    ...QUERY_FLAGS,
    sort: { type: "string" },
    limit: { type: "string" },
    columns: { type: "string" },
    stats: { type: "boolean", default: false },
    wide: { type: "boolean", default: false },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const limit = parseLimit(values.limit);
  const { sort, filter } = parseQueryText("ls", values.sort, values.filter);
  const { location, roots } = await prepareQuery("ls", context, { values, positionals });
  const database = openForQuery(location);
  try {
    if (values.stats) {
      writeCatalogStats(context, database, { catalog: location.path, roots, json: values.json });
      return 0;
    }
    const query = {
      roots,
      ...(sort ? { sort } : {}),
      ...(filter ? { filter } : {}),
      ...(limit === undefined ? {} : { limit }),
    };
    const entries = database === null ? [] : queryEntries(database, query);
    if (database === null && !values.json && !values.csv) {
      context.stderr.write(
        `ckpt: the catalog ${location.path} is empty; run 'ckpt scan DIR' or 'ckpt ls DIR'\n`,
      );
    }
    const aliases =
      database === null || !values.json
        ? new Map()
        : aliasesOf(
            database,
            entries.map((entry) => entry.path),
          );
    printEntries(context, entries, {
      json: values.json,
      csv: values.csv,
      columns: values.columns,
      wide: values.wide,
      aliases,
    });
    return 0;
  } finally {
    database?.close();
  }
}

export const lsCommand: Command = {
  name: "ls",
  summary: "list catalogued checkpoints: sort by metric, epoch, step, mtime or size; filter; JSON or CSV",
  usage: USAGE,
  run,
};
