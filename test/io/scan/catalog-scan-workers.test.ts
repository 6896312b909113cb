import { expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { lightningDict, torchZipBytes, writeTree } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// A scan starts a read worker (a thread) and waits for it; on a loaded machine that takes seconds.
setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = 1_700_000_000_000;

/** Three Lightning runs of 100 checkpoints with their run files, and real broken and unsafe files beside them. */
function writeRuns(root: string): void {
  for (let run = 0; run < 3; run++) {
    const dir = `run${run}/csv_logs/version_0`;
    const rows = Array.from(
      { length: 100 },
      (_, epoch) => `${epoch},${epoch * 10 + 9},${0.5 + epoch / 1000}`,
    );
    const tree: Record<string, Uint8Array | string> = {
      [`${dir}/hparams.yaml`]: "model:\n  architecture: dbnet\n",
      [`${dir}/metrics.csv`]: `epoch,step,val/loss\n${rows.join("\n")}\n`,
    };
    for (let epoch = 0; epoch < 100; epoch++)
      tree[`${dir}/checkpoints/epoch=${epoch}-step=${epoch * 10 + 9}.ckpt`] = torchZipBytes(
        lightningDict({ epoch, step: epoch * 10 + 9, score: 0.5 + epoch / 1000 }),
      );
    writeTree(root, tree);
  }
  for (const name of ["malicious_reduce.ckpt", "getattr_os_system.pt", "corrupt_datapkl.ckpt", "empty.ckpt"])
    copyFileSync(join(realFixtureRoot, "broken", name), join(root, "run1", name));
}

type Tables = { checkpoints: Record<string, unknown>[]; runs: Record<string, unknown>[]; points: number };

async function scanned(root: string, catalog: string, workers: number): Promise<Tables> {
  const database = openCatalogForWriting(catalog, { now: () => NOW });
  try {
    await scanCatalog(database, { roots: [root], sidecars: "off", now: () => NOW, workers });
    return {
      checkpoints: database
        .query<Record<string, unknown>, []>("SELECT * FROM checkpoints ORDER BY path")
        .all(),
      runs: database.query<Record<string, unknown>, []>("SELECT * FROM runs ORDER BY dir").all(),
      points:
        database.query<{ n: number }, []>("SELECT count(*) AS n FROM metric_points").get()?.n ?? Number.NaN,
    };
  } finally {
    database.close();
  }
}

test("rows read by a worker thread are exactly the rows the main thread alone stores", async () => {
  using dir = makeTempDir("scan-workers");
  const root = join(realpathSync(dir.path), "tree");
  writeRuns(root);
  const alone = await scanned(root, join(dir.path, "alone.db"), 0);
  const pooled = await scanned(root, join(dir.path, "pooled.db"), 1);
  // The worker stamps its reads with its own clock: rows it read are told apart by that, then compared without it.
  const byWorker = pooled.checkpoints.filter((row) => row["indexed_at"] !== NOW).length;
  expect(byWorker).toBeGreaterThan(0);
  const timeless = (rows: Record<string, unknown>[]) => rows.map(({ indexed_at: _, ...row }) => row);
  expect(timeless(pooled.checkpoints)).toEqual(timeless(alone.checkpoints));
  expect(pooled.runs).toEqual(alone.runs);
  expect(pooled.points).toBe(alone.points);
  expect(alone.checkpoints.length).toBe(304);
  expect(alone.checkpoints.filter((row) => typeof row["metadata_json"] === "string").length).toBeGreaterThan(
    300,
  );
});
