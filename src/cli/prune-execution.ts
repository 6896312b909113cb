import type { Database } from "bun:sqlite";
import { formatBytes } from "../core/catalog/human-units.ts";
import { AppError } from "../core/errors/app-error.ts";
import { deletionKey, type PruneRow, type PruneTotals, pruneTotals } from "../core/retention/prune-report.ts";
import type { StripMark } from "../core/retention/strip-mark.ts";
import { openCatalogForWriting } from "../io/catalog/catalog-db.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { tryLockCatalog } from "../io/catalog/catalog-lock.ts";
import { executePrune, finishInterruptedPrunes } from "../io/disk/prune-executor.ts";
import type { PrunePlan } from "../io/disk/prune-planning.ts";
import type { CommandContext } from "./command.ts";
import { displayMessageFrom } from "./display-path.ts";
import { type PruneValues, planWith, printPlan } from "./prune-plan-view.ts";
import { type StripRun, stripKept } from "./prune-strip.ts";
import { stripKey } from "./prune-strip-preview.ts";
import { stripSummary } from "./prune-strip-view.ts";

// What `ckpt prune --yes` (or a yes on a terminal) does: under the catalog's lock, plan again against the disk and
// delete. Its own module, loaded only then: a dry run does not pay for the executor, the trash and the lock.

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

/** What an executed plan did: its rows as done (a deletion that failed: kept, with why) and their totals. */
export type PruneDone = {
  readonly rows: readonly PruneRow[];
  readonly totals: PruneTotals;
  /** What went wrong, one message per checkpoint that could not be removed (each also given to `onFailure`). */
  readonly failures: readonly string[];
};

/**
 * Removes what the plan deletes through the executor (`executePrune`): for `ckpt prune --yes` and the TUI's `d`
 * alike. `onFailure`: each failure as it happens, its message with paths as the user reads them.
 */
export function deletePlanned(
  database: Database,
  plan: PrunePlan,
  execution: {
    readonly mode: "trash" | "delete";
    readonly now: () => number;
    readonly show: (message: string) => string;
    readonly onFailure?: (message: string) => void;
  },
): PruneDone {
  const failures: string[] = [];
  const outcomes = executePrune(database, plan.targets, {
    mode: execution.mode,
    now: execution.now,
    onOutcome: (outcome) => {
      if (outcome.kind !== "failed") return;
      const message = execution.show(outcome.message);
      failures.push(message);
      execution.onFailure?.(message);
    },
  });
  const failed = new Set(outcomes.flatMap((outcome) => (outcome.kind === "failed" ? [outcome.path] : [])));
  const rows = plan.rows.map((row) =>
    failed.has(row.path)
      ? { ...row, action: "keep" as const, reason: "failed to delete (see above)", bytes: 0 }
      : row,
  );
  return { rows, totals: pruneTotals(rows), failures };
}

/** `deleted 92 of 100 checkpoints, 1.2 GB freed`: what an executed prune says when not listing every row. */
export function executedSummary(totals: PruneTotals): string {
  return `deleted ${totals.delete} of ${totals.checkpoints} checkpoints, ${formatBytes(totals.bytes_freed)} freed`;
}

/** What was done: the plan with the failures kept (or only the totals, after a question), and the trash hint. */
function reportExecution(
  context: CommandContext,
  report: {
    readonly plan: PrunePlan;
    readonly done: PruneDone;
    readonly values: PruneValues;
    readonly summaryOnly: boolean;
    readonly strip: ReadonlyMap<string, StripMark> | undefined;
  },
): void {
  const { plan, done, values, strip } = report;
  if (report.summaryOnly)
    context.stdout.write(
      `${executedSummary(done.totals)}\n${strip === undefined ? "" : stripSummary(strip, true)}`,
    );
  else
    printPlan(context, {
      plan: { ...plan, rows: done.rows },
      executed: true,
      json: values.json,
      ...(strip === undefined ? {} : { strip }),
    });
  if (values.trash && !values.json)
    context.stdout.write(
      `moved to the trash: 'ckpt trash list' shows it, 'ckpt trash restore' brings it back\n`,
    );
}

function stripRun(context: CommandContext, roots: readonly string[]): StripRun {
  return {
    roots,
    now: context.now,
    show: displayMessageFrom(context.cwd),
    onFailure: (message) => context.stderr.write(`ckpt: prune: ${message}\n`),
  };
}

export type PruneExecuteOptions = {
  readonly values: PruneValues;
  readonly summaryOnly: boolean;
  /** After a confirmation: the deletions the user agreed to; a different plan now deletes nothing. */
  readonly confirmed?: string;
};

/** Under the catalog's lock: plans again, against the disk, deletes what that plan deletes, and says what was done. */
export async function executePlan(
  context: CommandContext,
  location: CatalogLocation,
  roots: readonly string[],
  options: PruneExecuteOptions,
): Promise<number> {
  const { values } = options;
  using _lock = lockForPrune(location, context);
  const database = openCatalogForWriting(location.path, { now: context.now, checkIntegrity: false });
  try {
    const { finished } = finishInterruptedPrunes(database, roots);
    if (finished > 0)
      context.stderr.write(`ckpt: finished ${finished} removals an interrupted prune had begun\n`);
    const { plan } = await planWith(context, { database, roots, values, measure: "disk" });
    const stripping = values["strip-optimizer"];
    const key = `${deletionKey(plan.rows)}${stripping ? stripKey(plan) : ""}`;
    if (options.confirmed !== undefined && key !== options.confirmed) {
      context.stderr.write(
        "ckpt: prune: the checkpoints changed since the plan was shown; nothing was deleted: run 'ckpt prune' again\n",
      );
      return 1;
    }
    const done = deletePlanned(database, plan, {
      mode: values.trash ? "trash" : "delete",
      now: context.now,
      show: displayMessageFrom(context.cwd),
      onFailure: (message) => context.stderr.write(`ckpt: prune: ${message}\n`),
    });
    const stripped = stripping ? await stripKept(database, plan, stripRun(context, roots)) : undefined;
    reportExecution(context, { plan, done, ...options, strip: stripped?.marks });
    return done.failures.length + (stripped?.failures.length ?? 0) > 0 ? 1 : 0;
  } finally {
    database.close();
  }
}
