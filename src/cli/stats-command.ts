import { renderCatalogStats } from "../core/catalog/catalog-stats.ts";
import { catalogStats } from "../io/catalog-reads.ts";
import { openForQuery } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { emptyStats } from "./ls-command.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";

const USAGE = `Usage: ckpt stats [DIR...] [options]

Catalog statistics (under DIR when given): checkpoints and runs, metadata coverage (valid sidecars ÷
checkpoints), counts per framework and status, total bytes, last scan time. Same as 'ckpt ls --stats'.

Options:
${QUERY_USAGE}
`;

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("stats", context.args, QUERY_FLAGS);
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const { location, roots } = await prepareQuery("stats", context, { values, positionals });
  const database = openForQuery(location);
  try {
    const stats =
      database === null
        ? emptyStats(location.path)
        : catalogStats(database, { roots, catalog: location.path });
    context.stdout.write(values.json ? `${JSON.stringify(stats, null, 2)}\n` : renderCatalogStats(stats));
    return 0;
  } finally {
    database?.close();
  }
}

export const statsCommand: Command = {
  name: "stats",
  summary: "catalog statistics: count, metadata coverage, frameworks, bytes, last scan",
  usage: USAGE,
  run,
};
