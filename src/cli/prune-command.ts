import type { Database } from "bun:sqlite";
import { formatBytes } from "../core/catalog/human-units.ts";
import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { deletionKey, type PruneTotals, pruneTotals } from "../core/retention/prune-report.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { outermostRoots } from "../io/scan/walk-paths.ts";
import { localRoots, openForQuery, queryFailure } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { parseFlags } from "./parse-flags.ts";
import type { PruneExecuteOptions } from "./prune-execution.ts";
import { PRUNE_FLAGS, type PruneValues, planWith, printPlan } from "./prune-plan-view.ts";
import { type StripTotals, stripTotals } from "./prune-strip-view.ts";
import { prepareQuery } from "./query-flags.ts";
import { policyFromFlags, RETENTION_USAGE } from "./retention-flags.ts";

const USAGE = `Usage: ckpt prune [DIR...] [policy] [--strip-optimizer] [--yes [--trash]]

Decides, per run, which catalogued checkpoints under DIR (default: every directory the catalog covers) a policy
keeps and which it deletes, with the reason for each and the bytes freed. A dry run unless --yes: nothing is
touched (on a terminal it then asks whether to go ahead). Each deleted checkpoint goes with its own sidecar and
its catalog row, one at a time through a manifest in DIR/.ckpt-trash/, so an interruption leaves every checkpoint
whole (the next prune finishes it).

${RETENTION_USAGE}

Options:
  --run TEXT        only runs whose directory contains TEXT
  --yes             delete without asking (a dry run otherwise; on a terminal, prune asks)
  --trash           with --yes: move to DIR/.ckpt-trash/ instead ('ckpt trash list|restore|empty')
  --strip-optimizer also rewrite the checkpoints a rule keeps (not the run's latest, a pointer's target or an
                    active run's) without their optimizer state: Lightning's optimizer_states and lr_schedulers
                    (a scheduler without its optimizer resumes nothing; what save_weights_only leaves out), a
                    plain torch dict's optimizer. torch zip files only; the weights are checked and the file
                    replaced atomically, its mtime kept; one that cannot be cut safely is left whole, with why
  --json            {checkpoints: [{path, run, action, reason, bytes, strip?}], totals, sizes_from, note}; bytes
                    is what the action frees; with --strip-optimizer a row it applies to has strip:
                    {bytes_saved} (or {refused: why}) and totals strip_optimizer and bytes_saved
  --no-scan         plan from the catalog as it is, without scanning DIR first
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  -h, --help        show this help

The catalog is brought up to date for DIR first; if it is still behind the disk (a checkpoint to delete changed
since it was read) prune refuses and says to rescan. A dry run shows the catalogued sizes (sizes_from "catalog")
and checks only that each checkpoint to delete is still listed in its directory; --yes measures and checks each
one against the disk right before deleting it (sizes_from "disk": allocated bytes, sidecar included). Never
removes anything but catalogued checkpoints and their own sidecars, never a symlink, nothing outside DIR.

Examples:
  ckpt prune runs --keep-best 2 --keep-last 1          what would go, run by run
  ckpt prune runs --keep-every 5epochs --keep-since 2d --yes --trash
`;

/** Deletes as planned: the execution's module is loaded only now. */
async function execute(
  context: CommandContext,
  location: CatalogLocation,
  roots: readonly string[],
  options: PruneExecuteOptions,
): Promise<number> {
  const { executePlan } = await import("./prune-execution.ts");
  return executePlan(context, location, roots, options);
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("prune", context.args, PRUNE_FLAGS);
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const interactive = !values.yes && !values.json && context.stdout.isTTY && context.confirm !== undefined;
  if (values.trash && !values.yes && !interactive)
    throw new AppError(
      "usage",
      "prune: --trash moves checkpoints, so it needs --yes (without it prune only shows the plan)",
    );
  policyFromFlags("prune", values, null);
  const { location, roots: asked } = await prepareQuery("prune", context, { values, positionals });
  const object = asked.find(isS3Url);
  if (object !== undefined)
    throw new AppError(
      "usage",
      `prune: ${escapeControl(object)} is in object storage; prune deletes only on this machine's disks (a bucket's own lifecycle rules expire objects). Pass a directory.`,
    );
  const database = openForQuery(location);
  const roots = outermostRoots(asked.length > 0 ? asked : localRoots(location.path, database));
  if (values.yes) {
    database?.close();
    return execute(context, location, roots, { values, summaryOnly: false });
  }
  let shown = { toChange: 0, key: "", strips: 0 };
  try {
    shown = await showDryRun(context, database, roots, values, interactive);
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    database?.close();
  }
  if (!interactive || shown.toChange === 0) return 0;
  const answer = await context.confirm?.(`${question(values, shown)}? [y/N] `);
  if (answer !== true) {
    context.stdout.write("nothing was deleted\n");
    return 0;
  }
  return execute(context, location, roots, { values, summaryOnly: true, confirmed: shown.key });
}

/** What a terminal is asked after the dry run: delete (or trash), strip, or both. */
function question(
  values: PruneValues,
  shown: { readonly toChange: number; readonly strips: number },
): string {
  const remove = values.trash ? "Move them to the trash" : "Delete them";
  if (shown.strips === 0) return remove;
  return shown.toChange === shown.strips
    ? "Strip their optimizer state"
    : `${remove} and strip the optimizer state`;
}

/** What a dry run ends with: that nothing changed, and what --yes would do. */
function dryRunTrailer(totals: PruneTotals, strip: StripTotals | null): string {
  const deletes = `--yes deletes these ${totals.delete} (${formatBytes(totals.bytes_freed)}), --yes --trash moves them to the trash`;
  if (strip === null || strip.strip_optimizer === 0) return `dry run: nothing was deleted; ${deletes}\n`;
  const strips = `strips the optimizer state of ${strip.strip_optimizer} (${formatBytes(strip.bytes_saved)})`;
  if (totals.delete === 0) return `dry run: nothing was changed; --yes ${strips}\n`;
  return `dry run: nothing was changed; ${deletes}; --yes also ${strips}\n`;
}

/**
 * The plan, printed; returns how many checkpoints it would delete or strip, and which (`deletionKey`, only when a
 * terminal will be asked: a plan of 100k rows spends ~0.1 s making it).
 */
async function showDryRun(
  context: CommandContext,
  database: Database | null,
  roots: readonly string[],
  values: PruneValues,
  interactive: boolean,
): Promise<{ readonly toChange: number; readonly key: string; readonly strips: number }> {
  if (database === null)
    throw new AppError("not-found", `prune: the catalog does not exist yet; 'ckpt scan DIR' builds it`);
  const { plan } = await planWith(context, { database, roots, values, measure: "catalog" });
  const totals = pruneTotals(plan.rows);
  const preview = values["strip-optimizer"] ? await import("./prune-strip-preview.ts") : undefined;
  const strip = preview?.previewStrips(plan);
  const stripped = strip === undefined ? null : stripTotals(strip);
  const strips = stripped?.strip_optimizer ?? 0;
  const trailer = !interactive && totals.delete + strips > 0 ? dryRunTrailer(totals, stripped) : "";
  printPlan(context, {
    plan,
    executed: false,
    json: values.json,
    trailer,
    ...(strip === undefined ? {} : { strip }),
  });
  const key = interactive ? `${deletionKey(plan.rows)}${preview?.stripKey(plan) ?? ""}` : "";
  return { toChange: totals.delete + strips, key, strips };
}

export const pruneCommand: Command = {
  name: "prune",
  summary:
    "delete checkpoints a retention policy does not keep (best-K, last N, every N, pointers kept); dry run first",
  usage: USAGE,
  run,
};
