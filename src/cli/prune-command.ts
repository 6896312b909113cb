import type { Database } from "bun:sqlite";
import { formatBytes } from "../core/catalog/human-units.ts";
import { AppError } from "../core/errors/app-error.ts";
import {
  deletionKey,
  type PlanMeasure,
  pruneTotals,
  renderPrunePlan,
  sizesNote,
} from "../core/retention/prune-report.ts";
import type { RetentionPolicy } from "../core/retention/retention-policy.ts";
import { didYouMean, nearestNames } from "../core/suggestions/nearest-names.ts";
import { openCatalogForWriting } from "../io/catalog/catalog-db.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { tryLockCatalog } from "../io/catalog/catalog-lock.ts";
import { executePrune, finishInterruptedPrunes, type PruneOutcome } from "../io/disk/prune-executor.ts";
import { behindDiskRefusal, buildPrunePlan, type PrunePlan } from "../io/disk/prune-planning.ts";
import { outermostRoots } from "../io/scan/walk-paths.ts";
import { openForQuery, queryFailure, recordedRoots } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayMessageFrom, displayPathFrom } from "./display-path.ts";
import { metricNamesFor, resolveMetricFlag } from "./metric-name-flags.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS } from "./query-flags.ts";
import { policyFromFlags, RETENTION_FLAGS, RETENTION_USAGE } from "./retention-flags.ts";

const USAGE = `Usage: ckpt prune [DIR...] [policy] [--yes [--trash]]

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
  --json            {checkpoints: [{path, run, action, reason, bytes}], totals, sizes_from, note}; bytes is
                    what the action frees
  --no-scan         plan from the catalog as it is, without scanning DIR first
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  -h, --help        show this help

The catalog is brought up to date for DIR first; if it is still behind the disk (a checkpoint to delete changed
since it was read) prune refuses and says to rescan. A dry run shows the catalogued sizes (sizes_from "catalog")
and checks only that each checkpoint to delete is still there; --yes measures and checks each one against the
disk right before deleting it (sizes_from "disk": allocated bytes, sidecar included). Never removes anything but catalogued checkpoints and their
own sidecars, never a symlink, nothing outside DIR.

Examples:
  ckpt prune runs --keep-best 2 --keep-last 1          what would go, run by run
  ckpt prune runs --keep-every 5epochs --keep-since 2d --yes --trash
`;

const PRUNE_FLAGS = {
  catalog: QUERY_FLAGS.catalog,
  "no-scan": QUERY_FLAGS["no-scan"],
  json: QUERY_FLAGS.json,
  ...RETENTION_FLAGS,
  run: { type: "string" },
  yes: { type: "boolean", default: false },
  trash: { type: "boolean", default: false },
} as const;

type PruneValues = ReturnType<typeof parseFlags<typeof PRUNE_FLAGS>>["values"];

type Planned = { readonly plan: PrunePlan; readonly roots: readonly string[] };

type PlanAsk = {
  readonly database: Database;
  readonly roots: readonly string[];
  readonly values: PruneValues;
  readonly measure: PlanMeasure;
};

function planWith(context: CommandContext, ask: PlanAsk): Planned {
  const { database, roots, values } = ask;
  const metric =
    values.metric === undefined
      ? null
      : resolveMetricFlag("prune", values.metric, metricNamesFor(database, values)).key;
  const policy: RetentionPolicy = policyFromFlags("prune", values, metric);
  const plan = buildPrunePlan(database, {
    roots,
    policy,
    now: context.now(),
    runFilter: values.run,
    measure: ask.measure,
  });
  if (values.run !== undefined && plan.rows.length === 0) {
    const hint = didYouMean(
      nearestNames(
        values.run,
        plan.runs.map((run) => run.slice(run.lastIndexOf("/") + 1)),
      ),
    );
    throw new AppError(
      "usage",
      `prune: no run under ${roots.join(", ")} matches --run '${values.run}'.${hint === "" ? "" : ` ${hint}`}`,
    );
  }
  const refusal = behindDiskRefusal(plan, roots);
  if (refusal !== null) throw new AppError("io", `prune: ${refusal}`);
  return { plan, roots };
}

/** The plan as one string (100k lines go out in one write), with what its bytes are; `trailer` ends the text. */
function printPlan(
  context: CommandContext,
  shown: {
    readonly plan: PrunePlan;
    readonly executed: boolean;
    readonly json: boolean;
    readonly trailer?: string;
  },
): void {
  const { plan, executed } = shown;
  if (shown.json) {
    const totals = pruneTotals(plan.rows);
    const note = sizesNote(plan.measured);
    context.stdout.write(
      `${JSON.stringify({ checkpoints: plan.rows, totals, sizes_from: plan.measured, note })}\n`,
    );
    return;
  }
  const text = renderPrunePlan(plan.rows, { show: displayPathFrom(context.cwd), executed });
  const note = plan.measured === "catalog" ? `${sizesNote(plan.measured)}\n` : "";
  context.stdout.write(`${text}${note}${shown.trailer ?? ""}`);
}

/** The catalog's lock for a prune, or the refusal naming who holds it and what to do. */
export function lockForPrune(location: CatalogLocation, context: Pick<CommandContext, "now">) {
  const locked = tryLockCatalog(location.path, { command: "prune", now: context.now });
  if (locked.success) return locked.data;
  const holder = locked.error.holder;
  const who = holder === null ? "another ckpt" : `ckpt ${holder.command} (pid ${holder.pid})`;
  const advice =
    holder?.command === "watch"
      ? "stop it ('ckpt stop') and prune again, or give it the policy: 'ckpt watch --retain best=3,last=2'"
      : "wait for it to finish and prune again";
  throw new AppError(
    "catalog-busy",
    `prune: ${who} holds the catalog ${location.path}; nothing was deleted; ${advice}`,
  );
}

/** What was done: the plan with the failures kept (or only the totals, after a question), and the trash hint. */
function reportExecution(
  context: CommandContext,
  report: {
    readonly plan: PrunePlan;
    readonly failed: ReadonlySet<string>;
    readonly values: PruneValues;
    readonly summaryOnly: boolean;
  },
): void {
  const { plan, failed, values } = report;
  const rows = plan.rows.map((row) =>
    failed.has(row.path)
      ? { ...row, action: "keep" as const, reason: "failed to delete (see above)", bytes: 0 }
      : row,
  );
  if (report.summaryOnly) {
    const totals = pruneTotals(rows);
    context.stdout.write(
      `deleted ${totals.delete} of ${totals.checkpoints} checkpoints, ${formatBytes(totals.bytes_freed)} freed\n`,
    );
  } else printPlan(context, { plan: { ...plan, rows }, executed: true, json: values.json });
  if (values.trash && !values.json)
    context.stdout.write(
      `moved to the trash: 'ckpt trash list' shows it, 'ckpt trash restore' brings it back\n`,
    );
}

function execute(
  context: CommandContext,
  location: CatalogLocation,
  roots: readonly string[],
  options: {
    readonly values: PruneValues;
    readonly summaryOnly: boolean;
    /** After a confirmation: the deletions the user agreed to; a different plan now deletes nothing. */
    readonly confirmed?: string;
  },
): number {
  const { values } = options;
  using _lock = lockForPrune(location, context);
  const database = openCatalogForWriting(location.path, { now: context.now, checkIntegrity: false });
  try {
    const { finished } = finishInterruptedPrunes(database, roots);
    if (finished > 0)
      context.stderr.write(`ckpt: finished ${finished} removals an interrupted prune had begun\n`);
    const { plan } = planWith(context, { database, roots, values, measure: "disk" });
    if (options.confirmed !== undefined && deletionKey(plan.rows) !== options.confirmed) {
      context.stderr.write(
        "ckpt: prune: the checkpoints changed since the plan was shown; nothing was deleted: run 'ckpt prune' again\n",
      );
      return 1;
    }
    const show = displayMessageFrom(context.cwd);
    const outcomes: PruneOutcome[] = executePrune(database, plan.targets, {
      mode: values.trash ? "trash" : "delete",
      now: context.now,
      onOutcome: (outcome) => {
        if (outcome.kind === "failed") context.stderr.write(`ckpt: prune: ${show(outcome.message)}\n`);
      },
    });
    const failed = new Set(outcomes.flatMap((outcome) => (outcome.kind === "failed" ? [outcome.path] : [])));
    reportExecution(context, { plan, failed, ...options });
    return failed.size > 0 ? 1 : 0;
  } finally {
    database.close();
  }
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
  const database = openForQuery(location);
  const roots = outermostRoots(asked.length > 0 ? asked : recordedRoots(location.path, database));
  if (values.yes) {
    database?.close();
    return execute(context, location, roots, { values, summaryOnly: false });
  }
  let shown = { toDelete: 0, key: "" };
  try {
    shown = showDryRun(context, database, roots, values, interactive);
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    database?.close();
  }
  if (!interactive || shown.toDelete === 0) return 0;
  const how = values.trash ? "Move them to the trash" : "Delete them";
  const answer = await context.confirm?.(`${how}? [y/N] `);
  if (answer !== true) {
    context.stdout.write("nothing was deleted\n");
    return 0;
  }
  return execute(context, location, roots, { values, summaryOnly: true, confirmed: shown.key });
}

/** The plan, printed; returns how many checkpoints it would delete, and which (`deletionKey`). */
function showDryRun(
  context: CommandContext,
  database: Database | null,
  roots: readonly string[],
  values: PruneValues,
  interactive: boolean,
): { readonly toDelete: number; readonly key: string } {
  if (database === null)
    throw new AppError("not-found", `prune: the catalog does not exist yet; 'ckpt scan DIR' builds it`);
  const { plan } = planWith(context, { database, roots, values, measure: "catalog" });
  const totals = pruneTotals(plan.rows);
  const trailer =
    !interactive && totals.delete > 0
      ? `dry run: nothing was deleted; --yes deletes these ${totals.delete} (${formatBytes(totals.bytes_freed)}), --yes --trash moves them to the trash\n`
      : "";
  printPlan(context, { plan, executed: false, json: values.json, trailer });
  return { toDelete: totals.delete, key: deletionKey(plan.rows) };
}

export const pruneCommand: Command = {
  name: "prune",
  summary:
    "delete checkpoints a retention policy does not keep (best-K, last N, every N, pointers kept); dry run first",
  usage: USAGE,
  run,
};
