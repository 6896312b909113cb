import { expect, test } from "bun:test";
import { join } from "node:path";
import type { MetricPoint } from "../../../src/core/runs/metric-series.ts";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { applyCatalogChanges } from "../../../src/io/catalog/catalog-writes.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const run = { dir: "/runs/a", exp_name: "a", task: "text-detection", config_path: null, wandb_run_id: null };

function points(count: number, last = 0.9): MetricPoint[] {
  return Array.from({ length: count }, (_, index) => ({
    name: "val/hmean",
    step: index * 10,
    epoch: index,
    value: index === count - 1 ? last : index / 100,
  }));
}

test("a run's points are rewritten only when they changed", () => {
  using dir = makeTempDir("run-points");
  const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
  const stored = () =>
    database
      .query<{ n: number; last: number }, []>(
        "SELECT count(*) AS n, (SELECT value FROM metric_points ORDER BY step DESC LIMIT 1) AS last FROM metric_points",
      )
      .get();
  // Rows written on this connection so far: a rewrite of 500 points adds a thousand.
  const written = () => database.query<{ n: number }, []>("SELECT total_changes() AS n").get()?.n ?? 0;
  applyCatalogChanges(database, { runs: [{ run, points: points(500) }], now: 1 });
  const first = stored();
  expect(first?.n).toBe(500);
  // The next checkpoint of the same run, the same metrics file: the points are not rewritten.
  let before = written();
  applyCatalogChanges(database, { runs: [{ run, points: points(500) }], now: 2 });
  expect(stored()).toEqual(first);
  expect(written() - before).toBeLessThan(5);
  // A run update without points keeps them.
  applyCatalogChanges(database, { runs: [{ run, points: null }], now: 3 });
  expect(stored()).toEqual(first);
  // One value changed, then one epoch more: rewritten each time.
  before = written();
  applyCatalogChanges(database, { runs: [{ run, points: points(500, 0.95) }], now: 4 });
  expect(stored()).toMatchObject({ n: 500, last: 0.95 });
  expect(written() - before).toBeGreaterThan(999);
  applyCatalogChanges(database, { runs: [{ run, points: points(501) }], now: 5 });
  expect(stored()?.n).toBe(501);
  database.close();
});

test("a run's points are stored whole and in file order, NaN as NULL, with their wall times", () => {
  using dir = makeTempDir("run-points-order");
  const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
  for (const count of [0, 1, 127, 128, 129, 300]) {
    const logged: MetricPoint[] = Array.from({ length: count }, (_, index) => ({
      name: index % 3 === 0 ? "val/hmean" : "train/loss",
      step: index % 7 === 0 ? null : count - index,
      epoch: index % 5 === 0 ? null : index / 2,
      value: index === 4 ? Number.NaN : index * 1.5,
      ...(index % 2 === 0 ? { wallTime: 1_700_000_000 + index } : {}),
    }));
    applyCatalogChanges(database, { runs: [{ run, points: logged }], now: count });
    const rows = database
      .query("SELECT name, step, epoch, value, wall_time FROM metric_points WHERE run_dir = ? ORDER BY rowid")
      .all(run.dir);
    expect({ count, rows }).toEqual({
      count,
      rows: logged.map((point) => ({
        name: point.name,
        step: point.step,
        epoch: point.epoch,
        value: Number.isNaN(point.value) ? null : point.value,
        wall_time: point.wallTime ?? null,
      })),
    });
  }
  database.close();
});
