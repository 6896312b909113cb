import { expect, setDefaultTimeout, test } from "bun:test";
import type { ReadResult } from "../../../src/io/scan/catalog-read-batch.ts";
import { readInPool } from "../../../src/io/scan/catalog-read-pool.ts";
import type { AssembleCheckpoint } from "../../../src/io/scan/index-one.ts";
import { ReadWorkers } from "../../../src/io/scan/read-workers.ts";
import { absentLocations } from "../../helpers/absent-locations.ts";
import { sampleMetadata } from "../../helpers/catalog-tree.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { waitFor } from "../../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const assemble: AssembleCheckpoint = (path) => ({
  status: "ok",
  metadata: sampleMetadata(path, { exp: "x", epoch: 1, hmean: 0.5 }),
  problem: null,
  run: null,
});

test("a worker that fails to load before the pool drives it is left out; the main thread reads everything", async () => {
  const specifier = new URL("./no-such-worker.ts", import.meta.url).href;
  const warnings: string[] = [];
  const workers = new ReadWorkers({ requested: 1, specifier, onFailure: (line) => warnings.push(line) });
  workers.grow(1000);
  // The load error arrives on the event loop, before the pool attaches its own handlers (as after a long walk).
  await waitFor(() => workers.workers.length === 0, { timeoutMs: 5000, what: "the worker's load error" });
  const items = absentLocations("run", 300);
  const results: ReadResult[] = [];
  await readInPool(items, {
    sidecars: "read",
    now: () => 0,
    assemble,
    workers,
    onResults: (batch) => results.push(...batch),
  });
  workers.terminate();
  expect(results.filter((result) => result.ok)).toHaveLength(300);
  // Said once, on one line: which worker, why, and that the main thread read its share.
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(
    new RegExp(
      `^read worker ${specifier} failed \\(.*no-such-worker.*\\); its checkpoints are read on the main thread`,
    ),
  );
  expect(warnings[0]).not.toContain("\n");
});
