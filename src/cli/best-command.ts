import { bestEntries } from "../core/catalog/best-entries.ts";
import { aliasesOf, queryEntries } from "../io/catalog-reads.ts";
import { openForQuery } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { parseQueryText, printEntries } from "./ls-command.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";

const USAGE = `Usage: ckpt best [DIR...] [options]

Prints the best checkpoint of each run (under DIR when given) by the run's primary metric, in that metric's
direction (hmean and mAP higher, losses lower); ties go to the later step.

Options:
  --overall         one checkpoint: the best over all runs
  --metric NAME     rank by this metric instead of the primary one (hmean, mAP50, val_loss, …)
  --columns LIST    table columns, as for 'ckpt ls'
  --wide            every cell whole (by default the table is narrowed to the terminal, as for 'ckpt ls')
${QUERY_USAGE}
`;

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("best", context.args, {
    ...QUERY_FLAGS,
    overall: { type: "boolean", default: false },
    metric: { type: "string" },
    columns: { type: "string" },
    wide: { type: "boolean", default: false },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const { filter } = parseQueryText("best", undefined, values.filter);
  const { location, roots } = await prepareQuery("best", context, { values, positionals });
  const database = openForQuery(location);
  try {
    const entries = database === null ? [] : queryEntries(database, { roots, ...(filter ? { filter } : {}) });
    const best = bestEntries(entries, {
      overall: values.overall,
      ...(values.metric === undefined ? {} : { metric: values.metric }),
    }).map((pick) => pick.entry);
    const aliases =
      database === null || !values.json
        ? new Map()
        : aliasesOf(
            database,
            best.map((entry) => entry.path),
          );
    printEntries(context, best, {
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

export const bestCommand: Command = {
  name: "best",
  summary: "the best checkpoint of each run (or --overall) by its primary metric, direction respected",
  usage: USAGE,
  run,
};
