// Issue 14 item 6: a 40 MB metrics.csv (1.57M steps) cost 2 GB and 12 s per scan and added 268 MB to the catalog.
// Real files, a real scan process: bounded memory, a bounded catalog, and each checkpoint's values still exact.
import { Database } from "bun:sqlite";
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCkptMeasured } from "../helpers/measured-process.ts";
import { writeMetricsCsvRun } from "../helpers/oversize-inputs.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const STEPS = 400_000;
const STEPS_PER_EPOCH = 10_000;
// Bun alone is ~50 MB; before the fix this scan peaked near 600 MB (2 GB at 1.57M steps).
const RSS_BUDGET = 300 * 1024 * 1024;

/** What the run logged at `step` (see `writeMetricsCsvRun`), as the sidecar's YAML floats read back. */
function loggedAt(step: number): Record<string, number> {
  const progress = step / STEPS;
  return {
    train_loss: Number((1 / (1 + step / 1000)).toFixed(6)),
    val_acc: Number((0.5 + progress / 2).toFixed(6)),
    val_loss: Number((1 - progress).toFixed(6)),
  };
}

describe("a metrics.csv of 400,000 steps", () => {
  test("scan streams it: bounded memory, at most 10,000 points per metric stored, exact values per checkpoint", async () => {
    using dir = makeTempDir("metrics-csv-scan");
    const run = writeMetricsCsvRun(join(dir.path, "run"), {
      steps: STEPS,
      stepsPerEpoch: STEPS_PER_EPOCH,
      checkpointEpochs: [0, 19, 39],
    });
    const catalog = join(dir.path, "state/catalog.db");
    const scan = await runCkptMeasured(["scan", run.root, "--catalog", catalog, "--json"]);
    expect(scan.exitCode).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ added: 3, failed: 0, sidecars_written: 3 });
    expect(scan.maxRssBytes).toBeLessThan(RSS_BUDGET);
    const database = new Database(catalog, { readonly: true });
    const stored = database
      .query<{ name: string; n: number }, []>(
        "SELECT name, count(*) AS n FROM metric_points GROUP BY name ORDER BY name",
      )
      .all();
    database.close();
    expect(stored.map((row) => row.name)).toEqual(["train_loss", "val_acc", "val_loss"]);
    for (const row of stored) expect(row.n).toBeLessThanOrEqual(10_000);
    for (const [index, epoch] of [0, 19, 39].entries()) {
      const step = (epoch + 1) * STEPS_PER_EPOCH - 1;
      const sidecar = readFileSync(
        (run.checkpoints[index] ?? "").replace(/\.ckpt$/, ".metadata.yaml"),
        "utf8",
      );
      const additional = /additional_metrics:\n((?: {4}.*\n)+)/.exec(sidecar)?.[1] ?? "";
      const values = Object.fromEntries(
        additional
          .trim()
          .split("\n")
          .map((line) => line.trim().split(": "))
          .map(([name, value]) => [name, Number(value)]),
      );
      expect(values).toEqual(loggedAt(step));
      expect(sidecar).toContain(`metrics.csv@step=${step}`);
    }
  });
});
