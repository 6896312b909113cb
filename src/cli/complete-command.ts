import type { Database } from "bun:sqlite";
import { otherLoggedMetrics } from "../core/catalog/resolve-metric-name.ts";
import { allMetricDefinitions } from "../core/metrics/metric-catalog.ts";
import { loggedMetricNames } from "../io/catalog/catalog-reads.ts";
import { locateCatalog, openForQuery } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt __complete metrics [--catalog PATH]

For the completion scripts of 'ckpt completion': prints the metric names --sort, --metric and --columns accept,
one per line: the canonical names, then the other names logged in the catalog. Reads the catalog as it is (never
scans); without one, or when it cannot be read, only the canonical names.

Options:
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  -h, --help        show this help

Examples:
  ckpt __complete metrics
`;

/** Logged names a shell can complete: no blanks or control characters, which no command line holds unquoted. */
function completable(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  return !/[\s\u0000-\u001f\u007f]/.test(name);
}

function loggedNames(context: CommandContext, catalogFlag: string | undefined): string[] {
  let database: Database | null = null;
  try {
    database = openForQuery(
      locateCatalog({ ...context, stderr: { write: () => {}, isTTY: false } }, catalogFlag),
    );
    return database === null ? [] : loggedMetricNames(database);
  } catch {
    // A broken catalog must not break Tab: the canonical names still help.
    return [];
  } finally {
    database?.close();
  }
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("__complete", context.args, { catalog: { type: "string" } });
  if (values.help || positionals[0] !== "metrics") {
    (values.help ? context.stdout : context.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  const canonical = allMetricDefinitions().map((definition) => definition.name);
  const others = otherLoggedMetrics(loggedNames(context, values.catalog)).filter(completable);
  context.stdout.write([...canonical, ...others].map((name) => `${name}\n`).join(""));
  return 0;
}

export const completeCommand: Command = {
  name: "__complete",
  summary: "names for completion scripts (metrics from the catalog)",
  usage: USAGE,
  run,
};
