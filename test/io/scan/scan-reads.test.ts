import { expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const FIXTURE = join(import.meta.dir, "../../fixtures/real/torch/bf16_weights.pt");

// Storing or reporting a batch can fail while a worker's results come in (a full disk: `CatalogWriteError`); that
// happens in the worker's message handler, where a throw would be nobody's. The scan must end with the error.
test("a failure while taking in a worker's results ends the scan with that error, nothing read after it", async () => {
  using dir = makeTempDir("scan-reads-failure");
  for (let index = 0; index < 600; index++) {
    const path = join(dir.path, "tree", `run${Math.floor(index / 100)}`, `e${index}.pt`);
    mkdirSync(join(path, ".."), { recursive: true });
    copyFileSync(FIXTURE, path);
  }
  using database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
  let calls = 0;
  const scanned = scanCatalog(database, {
    roots: [join(dir.path, "tree")],
    sidecars: "off",
    now: () => 0,
    workers: 1,
    onProgress: () => {
      calls++;
      throw new Error("the disk is full");
    },
  });
  await expect(scanned).rejects.toThrow("the disk is full");
  // One batch's results were taken in, then no more.
  expect(calls).toBe(1);
});
