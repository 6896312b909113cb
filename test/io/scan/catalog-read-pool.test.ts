import { expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ReadResult } from "../../../src/io/scan/catalog-read-batch.ts";
import { ReadPool } from "../../../src/io/scan/catalog-read-pool.ts";
import { locationUnder } from "../../../src/io/scan/checkpoint-location.ts";
import type { AssembleCheckpoint } from "../../../src/io/scan/index-one.ts";
import { ReadWorkers } from "../../../src/io/scan/read-workers.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { scannedFileAt } from "../../helpers/scanned-file.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { waitFor } from "../../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const FIXTURE = join(import.meta.dir, "../../fixtures/real/torch/bf16_weights.pt");

// The main thread's reads would fail: only the worker (with the default assembler) can have read these.
const mainThreadCannotRead: AssembleCheckpoint = () => {
  throw new Error("read on the main thread");
};

test("a worker reads what is added while the walk goes on, before the main thread joins", async () => {
  using dir = makeTempDir("read-pool");
  const items = Array.from({ length: 300 }, (_, index) => {
    const path = join(dir.path, `run${Math.floor(index / 100)}`, `e${index}.pt`);
    mkdirSync(join(path, ".."), { recursive: true });
    copyFileSync(FIXTURE, path);
    return locationUnder(scannedFileAt(path), [dir.path]);
  });
  const workers = new ReadWorkers({ requested: 1 });
  const results: ReadResult[] = [];
  const pool = new ReadPool({
    sidecars: "off",
    now: () => 0,
    assemble: mainThreadCannotRead,
    workers,
    onResults: (batch) => results.push(...batch),
  });
  try {
    pool.add(items.slice(0, 150));
    pool.add(items.slice(150));
    // Not finished: the feed is open (as during the walk), and the worker reads every directory added meanwhile.
    await waitFor(() => results.length === 300, { what: "the worker's reads before finish()" });
    await pool.finish();
  } finally {
    workers.terminate();
  }
  expect(results.filter((result) => result.ok && result.outcome.entry.status === "ok")).toHaveLength(300);
});
