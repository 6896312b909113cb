// The dry run lists directories ahead, on other threads, while it reads the catalog's rows
// (`buildPrunePlanListingAhead`); the plan must be the one `buildPrunePlan` makes listing after the read: the same
// rows, the same stale checkpoints, the same runs and the same deletion targets, on real runs with pointers and
// links, and with a catalog that is behind the disk.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, rmSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { emptyPolicy } from "../../../src/core/retention/retention-policy.ts";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import {
  buildPrunePlan,
  buildPrunePlanListingAhead,
  type PrunePlan,
  type PrunePlanRequest,
} from "../../../src/io/disk/prune-planning.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { snapshotTree } from "../../helpers/tree-snapshot.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

/** The real runs copied under `<dir>/runs`, every file two hours old (no run active), scanned. */
async function realCatalog(dir: string): Promise<{ root: string; catalog: string }> {
  const root = join(dir, "runs");
  cpSync(realFixtureRoot, root, { recursive: true, verbatimSymlinks: true });
  const old = new Date(Date.now() - 2 * 3_600_000);
  for (const entry of snapshotTree(root))
    if (entry.type === "file") utimesSync(join(root, entry.path), old, old);
  const catalog = join(dir, "catalog.db");
  const scan = await runCliInProcess(["scan", root, "--catalog", catalog], { cwd: dir, now: Date.now() });
  if (scan.exitCode !== 0) throw new Error(scan.stderr);
  return { root, catalog };
}

/** What a plan says, its deletion targets included (made on demand). */
function planFacts(plan: PrunePlan) {
  const targets = plan.targets.map((target) => [target.decision.entry.path, target.root, target.bytes]);
  return { rows: plan.rows, stale: plan.stale, runs: plan.runs, measured: plan.measured, targets };
}

async function bothPlans(catalog: string, request: PrunePlanRequest) {
  const database = openCatalogForWriting(catalog, { now: Date.now });
  try {
    const after = planFacts(buildPrunePlan(database, request));
    const ahead = planFacts(await buildPrunePlanListingAhead(database, request));
    return { after, ahead };
  } finally {
    database.close();
  }
}

describe("buildPrunePlanListingAhead", () => {
  test("plans as buildPrunePlan does, as a dry run and as --yes, and refuses the same stale checkpoints", async () => {
    using dir = makeTempDir("prune-listing-ahead");
    const { root, catalog } = await realCatalog(dir.path);
    const policy = { ...emptyPolicy(), keepBest: 1, keepLast: 1 };
    for (const measure of ["catalog", "disk"] as const) {
      const { after, ahead } = await bothPlans(catalog, { roots: [root], policy, now: Date.now(), measure });
      expect(ahead).toEqual(after);
      expect(after.rows.some((row) => row.action === "delete")).toBe(true);
      expect(after.targets.length).toBe(after.rows.filter((row) => row.action === "delete").length);
      expect(after.stale).toEqual([]);
    }
    const doomed = (await bothPlans(catalog, { roots: [root], policy, now: Date.now(), measure: "catalog" }))
      .after.targets[0]?.[0];
    if (typeof doomed !== "string") throw new Error("the plan deletes nothing");
    rmSync(doomed, { recursive: true });
    const { after, ahead } = await bothPlans(catalog, {
      roots: [root],
      policy,
      now: Date.now(),
      measure: "catalog",
    });
    expect(ahead).toEqual(after);
    expect(after.stale).toEqual([{ path: doomed, change: "is gone from disk" }]);
  });
});
