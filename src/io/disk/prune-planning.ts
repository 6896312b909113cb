import type { Database } from "bun:sqlite";
import { dirname } from "node:path";
import { bestRuleOf, runOf } from "../../core/catalog/best-entries.ts";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { metricSortKey } from "../../core/catalog/metric-sort-key.ts";
import { cataloguedFreedBytes } from "../../core/retention/catalogued-bytes.ts";
import { type PlanMeasure, type PruneRow, pruneRows } from "../../core/retention/prune-report.ts";
import { entriesByRun, planRetention, type RetentionDecision } from "../../core/retention/retention-plan.ts";
import type { RetentionPolicy } from "../../core/retention/retention-policy.ts";
import { planEntries, withPlanMetrics } from "../catalog/prune-rows.ts";
import { scanRootOf } from "../scan/walk-paths.ts";
import { changeSinceCatalogued, listedChange, lstatOrNull } from "./catalog-freshness.ts";
import { checkpointBytes } from "./checkpoint-bytes.ts";
import { DirectoryListings } from "./directory-listings.ts";
import type { PruneTarget } from "./prune-executor.ts";
import { logActivity } from "./run-activity.ts";
import { findRunPointers } from "./run-pointers.ts";

export type PrunePlanRequest = {
  readonly roots: readonly string[];
  readonly policy: RetentionPolicy;
  readonly now: number;
  /** Only runs whose directory contains this text (case-insensitive). */
  readonly runFilter?: string | undefined;
  /** The daemon's settle time; a one-shot prune passes none. */
  readonly settleMs?: number;
  /** Only this run (the daemon plans the run a checkpoint just settled in); its entries lie under it. */
  readonly runDir?: string;
  /**
   * `disk` (the default, for a plan that is executed): each checkpoint to delete is `lstat`ed, its bytes measured
   * (allocated, sidecar included) and its row checked against the disk. `catalog` (a dry run): the catalogued
   * sizes, and only whether each is still listed in its directory.
   */
  readonly measure?: PlanMeasure;
};

export type PrunePlan = {
  readonly rows: readonly PruneRow[];
  /** The policy's decisions, in the rows' order (`prune --strip-optimizer` asks which kept ones are guarded). */
  readonly decisions: readonly RetentionDecision[];
  readonly targets: readonly PruneTarget[];
  /** Checkpoints to delete whose catalog row no longer describes the disk, each with what changed. */
  readonly stale: readonly { readonly path: string; readonly change: string }[];
  /** The runs there were to choose from, for a `--run` that matched none. */
  readonly runs: readonly string[];
  readonly measured: PlanMeasure;
};

function keysOfKept(decisions: readonly RetentionDecision[]): Set<string> {
  // A hard link that stays keeps its bytes: deleting another name of it frees nothing.
  return new Set(
    decisions
      .filter((decision) => decision.action === "keep")
      .map(({ entry }) => `${entry.dev}:${entry.ino}`),
  );
}

type Measured = {
  /** What deleting each decision's checkpoint frees, in the decisions' order (0 for one kept). */
  readonly bytes: readonly number[];
  readonly stale: { path: string; change: string }[];
};

/** One look per checkpoint to delete: is the row still true (freshness), and what deleting it frees. */
function measureDeletions(decisions: readonly RetentionDecision[]): Measured {
  const counted = keysOfKept(decisions);
  const stale: { path: string; change: string }[] = [];
  const bytes = decisions.map(({ entry, action }) => {
    if (action !== "delete") return 0;
    const looked = lstatOrNull(entry.path);
    const change = changeSinceCatalogued(entry, looked);
    if (change !== null) stale.push({ path: entry.path, change });
    const kind = entry.kind === "file" ? "file" : "directory";
    const sidecarLikely = entry.sidecar !== "missing" && entry.sidecar !== "off";
    const measured = checkpointBytes(entry.path, kind, counted, { sidecarLikely, looked });
    return measured.checkpoint.allocated + (measured.sidecar?.allocated ?? 0);
  });
  return { bytes, stale };
}

/** Catalogued bytes and a look at the directory listings only: what a dry run of 100k can afford. */
function measureFromCatalog(decisions: readonly RetentionDecision[], listings: DirectoryListings): Measured {
  const stale: { path: string; change: string }[] = [];
  for (const { entry, action } of decisions) {
    if (action !== "delete") continue;
    const change = listedChange(entry, listings);
    if (change !== null) stale.push({ path: entry.path, change });
  }
  return { bytes: cataloguedFreedBytes(decisions), stale };
}

/**
 * The entries to plan over, read without their metrics blocks except where `--keep-best` may need one: all of
 * them for a `--metric`, else the entries whose primary metric is not their run's ranking metric.
 */
function rankableEntries(
  database: Database,
  options: {
    readonly roots: readonly string[];
    readonly policy: RetentionPolicy;
    readonly onEntry: ((entry: CatalogEntry) => void) | undefined;
  },
): CatalogEntry[] {
  const lean = planEntries(database, options.roots, options.onEntry);
  if (options.policy.keepBest === null) return lean;
  if (options.policy.metric !== null)
    return withPlanMetrics(database, lean, {
      roots: options.roots,
      paths: new Set(lean.map((entry) => entry.path)),
    });
  const byRun = entriesByRun(lean);
  const needed = new Set<string>();
  for (const entries of byRun.values()) {
    const metric = bestRuleOf(entries)?.metric;
    for (const entry of entries) {
      const primary = entry.primary_metric;
      if (primary === null || primary.value === null || metricSortKey(primary.name) !== metric)
        needed.add(entry.path);
    }
  }
  return needed.size === 0 ? lean : withPlanMetrics(database, lean, { roots: options.roots, paths: needed });
}

/**
 * `scanRootOf`, asked once per directory (a plan's paths come directory by directory): the paths of a directory
 * lie under the same roots, unless a root is the path itself (then it is asked for that path).
 */
function rootFinder(roots: readonly string[]): (path: string) => string {
  let directory: string | null = null;
  let root = "";
  return (path) => {
    if (roots.includes(path)) return scanRootOf(path, roots);
    const cut = path.lastIndexOf("/");
    if (directory !== null && cut === directory.length && path.startsWith(directory)) return root;
    directory = path.slice(0, cut);
    root = scanRootOf(path, roots);
    return root;
  };
}

/** What the plan deletes, each with the root it lies under and what deleting it frees. */
function deletionTargets(
  decisions: readonly RetentionDecision[],
  bytes: readonly number[],
  roots: readonly string[],
): PruneTarget[] {
  const rootOf = rootFinder(roots);
  const targets: PruneTarget[] = [];
  decisions.forEach((decision, at) => {
    if (decision.action === "delete")
      targets.push({ decision, root: rootOf(decision.entry.path), bytes: bytes[at] ?? 0 });
  });
  return targets;
}

/** The runs of the decisions, which come run by run in order: each once. */
function runsDecided(decisions: readonly RetentionDecision[]): string[] {
  const runs: string[] = [];
  for (const { run } of decisions) if (run !== runs[runs.length - 1]) runs.push(run);
  return runs;
}

/** The runs of the entries, each once (entries come run by run: mostly the run of the one before). */
function distinctRuns(entries: readonly CatalogEntry[]): Set<string> {
  const runs = new Set<string>();
  let last: string | null = null;
  for (const entry of entries) {
    const run = runOf(entry);
    if (run === last) continue;
    runs.add(run);
    last = run;
  }
  return runs;
}

function selectRuns(entries: readonly CatalogEntry[], filter: string | undefined): readonly CatalogEntry[] {
  if (filter === undefined) return entries;
  const wanted = filter.toLowerCase();
  return entries.filter((entry) => runOf(entry).toLowerCase().includes(wanted));
}

/** The catalog's checkpoints a plan decides over (`entries`), out of all those under its roots (`all`). */
type PlanEntries = { readonly all: readonly CatalogEntry[]; readonly entries: readonly CatalogEntry[] };

function readPlanEntries(
  database: Database,
  request: PrunePlanRequest,
  onEntry?: (entry: CatalogEntry) => void,
): PlanEntries {
  const runDir = request.runDir;
  const all = rankableEntries(database, {
    roots: runDir === undefined ? request.roots : [runDir],
    policy: request.policy,
    onEntry,
  });
  const entries =
    runDir === undefined
      ? selectRuns(all, request.runFilter)
      : all.filter((entry) => runOf(entry) === runDir);
  return { all, entries };
}

function planFrom(read: PlanEntries, request: PrunePlanRequest, listings: DirectoryListings): PrunePlan {
  const { all, entries } = read;
  const decisions = planRetention({
    entries,
    policy: request.policy,
    now: request.now,
    pointers: findRunPointers(entries, listings),
    logActivity: logActivity(distinctRuns(entries), listings),
    ...(request.settleMs === undefined ? {} : { settleMs: request.settleMs }),
  });
  const measured = request.measure ?? "disk";
  const { bytes, stale } =
    measured === "disk" ? measureDeletions(decisions) : measureFromCatalog(decisions, listings);
  const rows = pruneRows(decisions, bytes);
  // Every run is decided unless some were left out: then the runs there were to choose from are listed apart.
  const runs = entries.length === all.length ? runsDecided(decisions) : [...new Set(all.map(runOf))].sort();
  let targets: PruneTarget[] | undefined;
  return {
    rows,
    decisions,
    // Made when asked: a dry run never executes its plan (92k objects it would not use in a 100k dry run).
    get targets() {
      targets ??= deletionTargets(decisions, bytes, request.roots);
      return targets;
    },
    stale,
    runs,
    measured,
  };
}

/**
 * What `ckpt prune` would do under the roots: the catalog's checkpoints (links included, so their targets stay),
 * the pointer files and log activity of their runs, the policy's decisions, and the bytes each deletion frees.
 */
export function buildPrunePlan(database: Database, request: PrunePlanRequest): PrunePlan {
  return planFrom(readPlanEntries(database, request), request, new DirectoryListings());
}

/**
 * Starts listing each entry's directory and its parent (where a tag directory's pointer files and run logs lie) as
 * the entries are read; entries come directory by directory, so mostly the one before already did.
 */
function listingAhead(listings: DirectoryListings): (entry: CatalogEntry) => void {
  let directory: string | null = null;
  return ({ path }) => {
    const cut = Math.max(path.lastIndexOf("/"), 1);
    if (directory !== null && cut === directory.length && path.startsWith(directory)) return;
    directory = path.slice(0, cut);
    listings.listAhead(directory);
    listings.listAhead(dirname(directory));
  };
}

/**
 * `buildPrunePlan`, with the directories that hold the checkpoints listed on other threads while this one reads
 * the catalog's rows (a 100k plan lists 2,000 directories). A plan for some runs (`--run`) lists only what it
 * needs, after the read.
 */
export async function buildPrunePlanListingAhead(
  database: Database,
  request: PrunePlanRequest,
): Promise<PrunePlan> {
  const listings = new DirectoryListings();
  const everyRun = request.runFilter === undefined && request.runDir === undefined;
  const read = readPlanEntries(database, request, everyRun ? listingAhead(listings) : undefined);
  await listings.settled();
  return planFrom(read, request, listings);
}

/**
 * Why a plan must not be executed: a checkpoint it deletes changed since the catalog read it (the catalog is
 * behind the disk), with what to do; null when the catalog is current. Said the same by `ckpt prune` and the TUI.
 */
export function behindDiskRefusal(plan: PrunePlan, roots: readonly string[]): string | null {
  const [first, ...more] = plan.stale;
  if (first === undefined) return null;
  const others = more.length > 0 ? ` (and ${more.length} more)` : "";
  return `the catalog is behind the disk: ${first.path} ${first.change}${others}; nothing was deleted. Run 'ckpt scan ${roots.join(" ")}' and prune again`;
}
