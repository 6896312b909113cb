import { summarizeDiskUsage } from "../core/disk/disk-usage.ts";
import { renderDiskUsage, renderDiskUsageCsv } from "../core/disk/render-disk-usage.ts";
import { queryEntries } from "../io/catalog/catalog-reads.ts";
import { filesystemSpace } from "../io/disk/filesystem-space.ts";
import { measureCheckpoints } from "../io/disk/measure-checkpoints.ts";
import { outermostRoots } from "../io/scan/walk-paths.ts";
import { localRoots, openForQuery, queryFailure } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayPathFrom } from "./display-path.ts";
import { parseFilterFlag } from "./ls-command.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS, QUERY_USAGE } from "./query-flags.ts";

const USAGE = `Usage: ckpt du [DIR...] [options]

Bytes the catalogued checkpoints take under each DIR (default: every directory the catalog covers), per root, per
run and per checkpoint, biggest first, with the free space of each root's filesystem. A checkpoint counts its
files (a directory checkpoint everything in it) and its sidecar; a hard link is counted once; a symlink such as
last.ckpt counts as the link. "allocated" is what the blocks take (as 'du -B1': a sparse file's holes are
free), "apparent" the file lengths (as 'du -B1 --apparent-size').

Options:
  --checkpoints     list each checkpoint under its run too (--json and --csv always do)
${QUERY_USAGE}

Examples:
  ckpt du runs                   bytes per run under runs, biggest first
  ckpt du runs --checkpoints     and per checkpoint
  ckpt du --json                 every root the catalog covers, as JSON
`;

const DU_FLAGS = { ...QUERY_FLAGS, checkpoints: { type: "boolean", default: false } } as const;

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("du", context.args, DU_FLAGS);
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const filter = parseFilterFlag("du", values.filter);
  const { location, roots } = await prepareQuery("du", context, { values, positionals });
  const database = openForQuery(location);
  try {
    const asked = roots.length > 0 ? roots : localRoots(location.path, database);
    const duRoots = outermostRoots(asked);
    const entries =
      database === null
        ? []
        : queryEntries(database, {
            roots: duRoots,
            includeAliases: true,
            // du needs paths and sizes: the metrics JSON is most of a large query's time.
            withoutMetrics: true,
            ...(filter === undefined ? {} : { filter }),
          });
    const report = summarizeDiskUsage(duRoots, measureCheckpoints(duRoots, entries), (root) =>
      filesystemSpace(root),
    );
    if (values.json) context.stdout.write(`${JSON.stringify(report)}\n`);
    else if (values.csv) context.stdout.write(renderDiskUsageCsv(report));
    else
      context.stdout.write(
        renderDiskUsage(report, { checkpoints: values.checkpoints, show: displayPathFrom(context.cwd) }),
      );
    return 0;
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    database?.close();
  }
}

export const duCommand: Command = {
  name: "du",
  summary:
    "bytes per root, run and checkpoint (sidecars included, hard links once), free space, biggest first",
  usage: USAGE,
  run,
};
