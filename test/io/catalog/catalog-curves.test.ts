import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { runMetricNames, runMetricPoints } from "../../../src/io/catalog/catalog-reads.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const RUNS = join(import.meta.dir, "..", "..", "fixtures", "runs");

/** One run of each framework, as the frameworks (or, for HF and MLflow, the format reference) lay them out. */
function copyRuns(root: string): Record<string, string> {
  const copies = {
    ultralytics: ["ultralytics", join(realFixtureRoot, "ultralytics")],
    timm: ["timm", join(realFixtureRoot, "timm")],
    lightning: ["lightning", join(realFixtureRoot, "lightning/outputs/dbnet_r18_dev_full")],
    hf: ["hf", join(RUNS, "hf")],
    mlflow: ["mlflow", join(RUNS, "mlflow")],
  } as const;
  for (const [target, source] of Object.values(copies))
    cpSync(source, join(root, target), { recursive: true });
  return {
    ultralytics: join(root, "ultralytics/runs/detect/train"),
    timm: join(root, "timm/output/train/20261122-145342-test_efficientnet-32"),
    lightning: join(root, "lightning/2026-11-22/14-52-44"),
    // Its checkpoint's weights file is empty (incomplete): the run's curves do not depend on it.
    hf: join(root, "hf/output"),
    // The locator places a checkpoint logged as an MLflow artifact in the artifacts dir, beside its `checkpoints/`.
    mlflow: join(root, "mlflow/mlruns/123456789/0a1b2c3d4e5f60718293a4b5c6d7e8f9/artifacts"),
  };
}

async function scanInto(path: string, root: string, sidecars: "read" | "write"): Promise<Database> {
  const database = openCatalogForWriting(path, { now: () => 0 });
  await scanCatalog(database, { roots: [root], sidecars, now: () => 1_700_000_000_000 });
  return database;
}

/** Per run: how many points of how many metrics the catalog holds. */
function pointCounts(database: Database, runs: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(runs).map(([name, dir]) => [
      name,
      [runMetricPoints(database, dir).length, runMetricNames(database, dir).length],
    ]),
  );
}

const EXPECTED_COUNTS = {
  ultralytics: [420, 14],
  timm: [15, 5],
  lightning: [41, 8],
  hf: [19, 8],
  mlflow: [5, 2],
};

describe("metric points in the catalog for every framework", () => {
  test("a scan stores every run's curves; a scan that reads only sidecars stores the same", async () => {
    using dir = makeTempDir("catalog-curves");
    const runs = copyRuns(join(dir.path, "tree"));
    const assembled = await scanInto(join(dir.path, "first.db"), join(dir.path, "tree"), "write");
    expect(pointCounts(assembled, runs)).toEqual(EXPECTED_COUNTS);
    // Every readable checkpoint now has a sidecar: a fresh catalog takes the fast path for all of them.
    const fromSidecars = await scanInto(join(dir.path, "second.db"), join(dir.path, "tree"), "read");
    const sidecarStates = fromSidecars
      .query<{ state: string; n: number }, []>(
        "SELECT sidecar_state AS state, count(*) AS n FROM checkpoints WHERE status = 'ok' GROUP BY 1",
      )
      .all();
    expect(sidecarStates.map((row) => row.state)).toEqual(["valid"]);
    for (const run of Object.values(runs))
      expect(runMetricPoints(fromSidecars, run)).toEqual(runMetricPoints(assembled, run));
    assembled.close();
    fromSidecars.close();
  });

  test("a checkpoint that cannot be read brings its run's curves but never renames or re-tasks the run", async () => {
    using dir = makeTempDir("catalog-curves-broken");
    const run = join(dir.path, "runs/detect/train");
    cpSync(join(realFixtureRoot, "ultralytics/runs/detect/train"), run, { recursive: true });
    for (const name of ["epoch0.pt", "epoch25.pt", "last.pt"]) rmSync(join(run, "weights", name));
    // Sorts after best.pt, so it is read after it in the same batch.
    writeFileSync(join(run, "weights/torn.pt"), "PK\x03\x04 not a whole zip");
    const database = await scanInto(join(dir.path, "catalog.db"), dir.path, "read");
    const row = database
      .query<{ exp_name: string; task: string }, [string]>("SELECT exp_name, task FROM runs WHERE dir = ?")
      .get(run);
    expect(row).toEqual({ exp_name: "train", task: "object-detection" });
    expect(runMetricPoints(database, run)).toHaveLength(420);
    database.close();
  });
});
