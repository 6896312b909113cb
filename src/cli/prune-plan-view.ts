import type { Database } from "bun:sqlite";
import { AppError } from "../core/errors/app-error.ts";
import { type PlanMeasure, pruneTotals, sizesNote, writePrunePlan } from "../core/retention/prune-report.ts";
import type { RetentionPolicy } from "../core/retention/retention-policy.ts";
import type { StripMark } from "../core/retention/strip-mark.ts";
import { didYouMean, nearestNames } from "../core/suggestions/nearest-names.ts";
import { behindDiskRefusal, buildPrunePlanListingAhead, type PrunePlan } from "../io/disk/prune-planning.ts";
import type { CommandContext } from "./command.ts";
import { displayPathFrom } from "./display-path.ts";
import { metricNamesFor, resolveMetricFlag } from "./metric-name-flags.ts";
import type { parseFlags } from "./parse-flags.ts";
import { rowsWithStripJson, rowsWithStripReasons, stripSummary, stripTotals } from "./prune-strip-view.ts";
import { QUERY_FLAGS } from "./query-flags.ts";
import { policyFromFlags, RETENTION_FLAGS } from "./retention-flags.ts";

const NO_STRIP: ReadonlyMap<string, StripMark> = new Map();

// `ckpt prune`'s flags, its plan and how a plan is printed: shared by the dry run (prune-command.ts) and the
// execution (prune-execution.ts, loaded only when something is to be deleted).

export const PRUNE_FLAGS = {
  catalog: QUERY_FLAGS.catalog,
  "no-scan": QUERY_FLAGS["no-scan"],
  json: QUERY_FLAGS.json,
  ...RETENTION_FLAGS,
  run: { type: "string" },
  yes: { type: "boolean", default: false },
  trash: { type: "boolean", default: false },
  "strip-optimizer": { type: "boolean", default: false },
} as const;

export type PruneValues = ReturnType<typeof parseFlags<typeof PRUNE_FLAGS>>["values"];

export type Planned = { readonly plan: PrunePlan; readonly roots: readonly string[] };

export type PlanAsk = {
  readonly database: Database;
  readonly roots: readonly string[];
  readonly values: PruneValues;
  readonly measure: PlanMeasure;
};

export async function planWith(context: CommandContext, ask: PlanAsk): Promise<Planned> {
  const { database, roots, values } = ask;
  const metric =
    values.metric === undefined
      ? null
      : resolveMetricFlag("prune", values.metric, metricNamesFor(database, values)).key;
  const policy: RetentionPolicy = policyFromFlags("prune", values, metric);
  const plan = await buildPrunePlanListingAhead(database, {
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

/** The plan, written in chunks of lines as it is made, with what its bytes are; `trailer` ends the text. */
export function printPlan(
  context: CommandContext,
  shown: {
    readonly plan: PrunePlan;
    readonly executed: boolean;
    readonly json: boolean;
    readonly trailer?: string;
    /** With --strip-optimizer: what it would do (or did) to each kept checkpoint it applies to. */
    readonly strip?: ReadonlyMap<string, StripMark>;
  },
): void {
  const { plan, executed } = shown;
  const strip = shown.strip ?? NO_STRIP;
  if (shown.json) {
    const totals = { ...pruneTotals(plan.rows), ...(shown.strip === undefined ? {} : stripTotals(strip)) };
    const note = sizesNote(plan.measured);
    const checkpoints = rowsWithStripJson(plan.rows, strip);
    context.stdout.write(`${JSON.stringify({ checkpoints, totals, sizes_from: plan.measured, note })}\n`);
    return;
  }
  const { stdout } = context;
  writePrunePlan(rowsWithStripReasons(plan.rows, strip), {
    show: displayPathFrom(context.cwd),
    executed,
    write: (chunk) => stdout.write(chunk),
  });
  const note = plan.measured === "catalog" ? `${sizesNote(plan.measured)}\n` : "";
  const end = `${stripSummary(strip, executed)}${note}${shown.trailer ?? ""}`;
  if (end !== "") stdout.write(end);
}
