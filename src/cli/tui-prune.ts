import type { Database } from "bun:sqlite";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { fail, ok, type Result } from "../core/result.ts";
import { deletionKey } from "../core/retention/prune-report.ts";
import { parseRetainSpec } from "../core/retention/retain-spec.ts";
import type { RetentionPolicy } from "../core/retention/retention-policy.ts";
import { openCatalogForWriting } from "../io/catalog/catalog-db.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { finishInterruptedPrunes } from "../io/disk/prune-executor.ts";
import { behindDiskRefusal, buildPrunePlan, type PrunePlan } from "../io/disk/prune-planning.ts";
import { outermostRoots } from "../io/scan/walk-paths.ts";
import type { PrunePreview, TuiPruner } from "../tui/prune-preview.ts";
import { localRoots, openForQuery } from "./catalog-session.ts";
import type { CommandContext } from "./command.ts";
import { displayMessageFrom } from "./display-path.ts";
import { metricNamesFor, resolveMetricFlag } from "./metric-name-flags.ts";
import { deletePlanned, executedSummary, lockForPrune } from "./prune-execution.ts";

export type TuiPruneSession = {
  readonly context: Pick<CommandContext, "now" | "cwd">;
  readonly location: CatalogLocation;
  /** The directories the TUI was given (none: every root the catalog covers). */
  readonly roots: readonly string[];
  /** The embedded watcher's connection when it runs (it holds the lock); else prune takes the lock itself. */
  readonly watcherCatalog: () => Promise<(<T>(work: (database: Database) => T) => T) | undefined>;
};

/**
 * The policy typed in the TUI, parsed as `--retain` is; unlike the daemon's standing policy, active runs are left
 * alone (as `ckpt prune` does without `--include-active`): their rows say "run active".
 */
function tuiPolicy(spec: string): Result<RetentionPolicy, string> {
  const parsed = parseRetainSpec(spec);
  return parsed.success
    ? ok({ ...parsed.data, includeActive: false })
    : fail(`policy '${spec}': ${parsed.error}`);
}

function rootsOf(session: TuiPruneSession, database: Database): string[] {
  const onDisk = session.roots.filter((root) => !isS3Url(root));
  return outermostRoots([...onDisk, ...localRoots(session.location.path, database)]);
}

/** `metric=NAME` resolved against the catalog's logged names as `ckpt prune --metric` does (a typo: did-you-mean). */
function withResolvedMetric(database: Database, policy: RetentionPolicy): Result<RetentionPolicy, string> {
  if (policy.metric === null) return ok(policy);
  try {
    const names = metricNamesFor(database, { metric: policy.metric });
    return ok({ ...policy, metric: resolveMetricFlag("prune", policy.metric, names).key });
  } catch (error) {
    return fail((error instanceof Error ? error.message : String(error)).replace(/^prune: /, ""));
  }
}

function planRun(session: TuiPruneSession, database: Database, request: { run: string; spec: string }) {
  const parsed = tuiPolicy(request.spec);
  const policy = parsed.success ? withResolvedMetric(database, parsed.data) : parsed;
  if (!policy.success) return policy;
  const roots = rootsOf(session, database);
  const now = session.context.now();
  const plan = buildPrunePlan(database, { roots, policy: policy.data, now, runDir: request.run });
  const refusal = behindDiskRefusal(plan, roots);
  return refusal === null ? ok({ plan, roots }) : fail(refusal);
}

function preview(session: TuiPruneSession, run: { dir: string; label: string }, spec: string) {
  const database = openForQuery(session.location);
  if (database === null) return fail("the catalog does not exist yet; 'ckpt scan DIR' builds it");
  try {
    const planned = planRun(session, database, { run: run.dir, spec });
    if (!planned.success) return planned;
    return ok({ run: run.dir, label: run.label, spec, rows: planned.data.plan.rows });
  } finally {
    database.close();
  }
}

/** Deletes the plan's checkpoints through `ckpt prune`'s executor; says what happened. */
function deleteAsPlanned(session: TuiPruneSession, database: Database, previewed: PrunePreview): string {
  // A prune a kill interrupted is finished first, as `ckpt prune` does.
  finishInterruptedPrunes(database, rootsOf(session, database));
  const planned = planRun(session, database, { run: previewed.run, spec: previewed.spec });
  if (!planned.success) return planned.error;
  const plan: PrunePlan = planned.data.plan;
  if (deletionKey(plan.rows) !== deletionKey(previewed.rows))
    return "the run changed since the preview; nothing was deleted: press d again";
  const done = deletePlanned(database, plan, {
    mode: "delete",
    now: session.context.now,
    show: displayMessageFrom(session.context.cwd),
  });
  const [first] = done.failures;
  const summary = executedSummary(done.totals);
  return first === undefined ? summary : `${summary}; ${done.failures.length} failed: ${first}`;
}

async function execute(session: TuiPruneSession, previewed: PrunePreview): Promise<string> {
  const { context, location } = session;
  try {
    const watcher = await session.watcherCatalog();
    if (watcher !== undefined) return watcher((database) => deleteAsPlanned(session, database, previewed));
    using _lock = lockForPrune(location, context);
    const database = openCatalogForWriting(location.path, { now: context.now, checkIntegrity: false });
    try {
      return deleteAsPlanned(session, database, previewed);
    } finally {
      database.close();
    }
  } catch (error) {
    // `ckpt prune`'s refusals (a busy catalog) name the command; the status line already says "prune:".
    return (error instanceof Error ? error.message : String(error)).replace(/^prune: /, "");
  }
}

const READONLY_PRUNE =
  "d (prune) is off: --readonly writes nothing; quit and run 'ckpt tui' without --readonly, or 'ckpt prune'";

/**
 * `d` in the TUI: previews from a read connection, deletes under the lock (or through the embedded watcher's);
 * off under `--readonly`, saying why.
 */
export function tuiPruner(session: TuiPruneSession & { readonly readonly: boolean }): TuiPruner {
  if (session.readonly) return { kind: "disabled", why: READONLY_PRUNE };
  return {
    kind: "enabled",
    preview: (run, spec) => preview(session, run, spec),
    execute: (previewed) => execute(session, previewed),
  };
}
