import { assertNever } from "../core/assert-never.ts";
import { SIDECAR_MODES } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import { type ScanAttempt, scanUnderLock } from "./catalog-refresh.ts";
import { locateCatalog, resolveRoots } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { oneOf, parseFlags } from "./parse-flags.ts";
import { S3_FLAGS, S3_FLAGS_HELP } from "./s3-flags.ts";
import { s3SessionOf } from "./s3-session-of.ts";
import { publishAfterScan, renderPublication } from "./shared-publish.ts";

const USAGE = `Usage: ckpt scan [DIR...] [options]

Brings the catalog up to date with DIR (default: every root scanned before, else the current directory): new
checkpoints are read, changed ones (size, mtime or inode) re-read, deleted ones removed, the rest left alone.

Options:
  --sidecars MODE   write (default): write missing sidecars, refresh stale ones ckpt wrote;
                    read: use sidecars but never write; off: ignore sidecars, read every checkpoint
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  --wait SECONDS    wait this long for another 'ckpt scan' holding the catalog (default 60)
  --no-recursive    only look at the given directories, not below them
  --follow-symlinks read through symlinks that lead out of DIR too (by default they are skipped and named);
                    sidecars are still written only in real directories under DIR
  --json            print the summary as JSON
${S3_FLAGS_HELP}  -h, --help        show this help

When 'ckpt watch' holds the catalog, a DIR under one of its roots is current already (scan says which root);
it scans any other DIR once for you ('ckpt watch --add DIR' keeps that current too).
DIR may be s3://BUCKET/PREFIX: objects are listed (ListObjectsV2), new or changed ones (size or ETag) read with
byte ranges, '*.tmp' keys ignored. Sidecars go next to the objects only when '--sidecars write' is given and
ckpt may write there; otherwise the metadata lives in the catalog only.
Exit codes: 0 done, 1 some checkpoints could not be read or the catalog stayed busy, 2 usage or I/O error.

Examples:
  ckpt scan runs                     read new and changed checkpoints under runs
  ckpt scan                          rescan every root scanned before
  ckpt scan runs --sidecars read     use sidecars, never write them
  ckpt scan s3://team-ckpts/exp      catalog the checkpoints under an S3 prefix
`;

function renderSummary(summary: ScanSummary, catalog: string): string {
  const lines = [
    `${summary.added} added, ${summary.updated} updated, ${summary.removed} removed, ${summary.unchanged} unchanged, ${summary.failed} failed in ${summary.seconds.toFixed(2)} s`,
  ];
  if (summary.sidecars_written > 0) lines.push(`${summary.sidecars_written} sidecars written`);
  if (summary.sidecars_missing > 0)
    lines.push(`${summary.sidecars_missing} checkpoints read have no sidecar`);
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
    "follow-symlinks": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    ...S3_FLAGS,
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
    followSymlinks: values["follow-symlinks"],
    waitMs: waitSeconds(values.wait),
    // Problems go to stderr in every mode: stdout stays the summary (JSON with --json).
    verbose: true,
    s3: s3SessionOf(context, values),
    // Writing into a shared bucket is asked for, never a default.
    objectSidecars: values.sidecars === undefined ? "read" : sidecars,
  });
  switch (attempt.kind) {
    case "daemon":
      return printDaemonScan(context, { attempt, catalog: location.path, json: values.json });
    case "unreachable":
    case "busy":
      throw catalogBusy(attempt, location.path);
    case "scanned": {
      const published = await publishAfterScan(context, location);
      const shared = published === null ? {} : { shared: published };
      context.stdout.write(
        values.json
          ? `${JSON.stringify({ ...attempt.summary, roots: attempt.roots, catalog: location.path, ...shared })}\n`
          : renderSummary(attempt.summary, location.path) + renderPublication(published),
      );
      return attempt.summary.failed > 0 ? 1 : 0;
    }
    default:
      return assertNever(attempt);
  }
}

/** The catalog could not be scanned: who holds it and what to do. */
function catalogBusy(
  attempt: Extract<ScanAttempt, { kind: "busy" | "unreachable" }>,
  catalog: string,
): AppError {
  if (attempt.kind === "unreachable")
    return new AppError(
      "catalog-busy",
      `scan: ckpt watch (pid ${attempt.holder.pid}) holds ${catalog} but could not be asked to scan (${attempt.reason}); 'ckpt status' shows what it watches, or stop it with 'ckpt stop' and scan again`,
    );
  const who =
    attempt.holder === null ? "another ckpt" : `ckpt ${attempt.holder.command} (pid ${attempt.holder.pid})`;
  return new AppError(
    "catalog-busy",
    `scan: ${catalog} is still in use by ${who}; try again, or pass --wait SECONDS`,
  );
}

/** The daemon keeps some directories current and scanned the others for us. */
function printDaemonScan(
  context: CommandContext,
  options: { attempt: Extract<ScanAttempt, { kind: "daemon" }>; catalog: string; json: boolean },
): number {
  const { pid, covered, scanned } = options.attempt;
  if (options.json) {
    const json = { ...scanned?.result.summary, roots: scanned?.roots ?? [], catalog: options.catalog };
    context.stdout.write(`${JSON.stringify({ ...json, daemon: { pid }, covered })}\n`);
    return (scanned?.result.summary.failed ?? 0) > 0 ? 1 : 0;
  }
  const lines = covered.map(({ dir, root }) =>
    dir === root
      ? `ckpt watch (pid ${pid}) watches ${dir} and keeps it current; nothing to do`
      : `ckpt watch (pid ${pid}) keeps ${dir} current (it watches ${root}); nothing to do`,
  );
  context.stdout.write(lines.map((line) => `${line}\n`).join(""));
  if (scanned === null) return 0;
  const dirs = scanned.roots.join(" ");
  context.stdout.write(renderSummary(scanned.result.summary, options.catalog));
  context.stdout.write(
    `scanned once by ckpt watch (pid ${pid}), which does not watch ${dirs}; 'ckpt watch --add DIR' keeps it current\n`,
  );
  return scanned.result.summary.failed > 0 ? 1 : 0;
}

export const scanCommand: Command = {
  name: "scan",
  summary: "bring the catalog up to date: read new and changed checkpoints, drop deleted ones",
  usage: USAGE,
  run,
};
