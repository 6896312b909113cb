import { assertNever } from "../core/assert-never.ts";
import { SIDECAR_MODES } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import type { ScanSummary } from "../io/catalog-scan.ts";
import { scanUnderLock } from "./catalog-refresh.ts";
import { locateCatalog, resolveRoots } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { oneOf, parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt scan [DIR...] [options]

Brings the catalog up to date with DIR (default: every root scanned before, else the current directory): new
checkpoints are read, changed ones (size, mtime or inode) re-read, deleted ones removed, the rest left alone.

Options:
  --sidecars MODE   write (default): write missing sidecars, refresh stale ones ckpt wrote;
                    read: use sidecars but never write; off: ignore sidecars, read every checkpoint
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  --wait SECONDS    wait this long for another 'ckpt scan' holding the catalog (default 60)
  --no-recursive    only look at the given directories, not below them
  --json            print the summary as JSON
  -h, --help        show this help

When 'ckpt watch' holds the catalog it is kept current already: scan says so and exits 0.
Exit codes: 0 done, 1 some checkpoints could not be read or the catalog stayed busy, 2 usage or I/O error.

Examples:
  ckpt scan runs                     read new and changed checkpoints under runs
  ckpt scan                          rescan every root scanned before
  ckpt scan runs --sidecars read     use sidecars, never write them
`;

function renderSummary(summary: ScanSummary, catalog: string): string {
  const lines = [
    `${summary.added} added, ${summary.updated} updated, ${summary.removed} removed, ${summary.unchanged} unchanged, ${summary.failed} failed in ${summary.seconds.toFixed(2)} s`,
  ];
  if (summary.sidecars_written > 0) lines.push(`${summary.sidecars_written} sidecars written`);
  lines.push(...summary.failures.map((failure) => `failed: ${failure}`));
  lines.push(`catalog: ${catalog}`);
  return `${lines.join("\n")}\n`;
}

function waitSeconds(text: string | undefined): number {
  const seconds = Number(text ?? "60");
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new AppError("usage", `scan: --wait must be a number of seconds (got '${text}')`);
  }
  return seconds * 1000;
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("scan", context.args, {
    sidecars: { type: "string" },
    catalog: { type: "string" },
    wait: { type: "string" },
    "no-recursive": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const sidecars = oneOf("scan", "sidecars", values.sidecars, SIDECAR_MODES) ?? "write";
  const location = locateCatalog(context, values.catalog);
  const attempt = await scanUnderLock(context, {
    command: "scan",
    location,
    roots: resolveRoots("scan", context, positionals),
    sidecars,
    recursive: !values["no-recursive"],
    waitMs: waitSeconds(values.wait),
    // Problems go to stderr in every mode: stdout stays the summary (JSON with --json).
    verbose: true,
  });
  switch (attempt.kind) {
    case "daemon":
      context.stdout.write(
        values.json
          ? `${JSON.stringify({ daemon: attempt.holder })}\n`
          : `ckpt watch (pid ${attempt.holder.pid}) holds ${location.path} and keeps it current; nothing to do\n`,
      );
      return 0;
    case "busy":
      throw new AppError(
        "catalog-busy",
        `scan: ${location.path} is still in use by ${attempt.holder === null ? "another ckpt" : `ckpt ${attempt.holder.command} (pid ${attempt.holder.pid})`}; try again, or pass --wait SECONDS`,
      );
    case "scanned":
      context.stdout.write(
        values.json
          ? `${JSON.stringify({ ...attempt.summary, roots: attempt.roots, catalog: location.path })}\n`
          : renderSummary(attempt.summary, location.path),
      );
      return attempt.summary.failed > 0 ? 1 : 0;
    default:
      return assertNever(attempt);
  }
}

export const scanCommand: Command = {
  name: "scan",
  summary: "bring the catalog up to date: read new and changed checkpoints, drop deleted ones",
  usage: USAGE,
  run,
};
