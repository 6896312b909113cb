import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DaemonProcess, startDaemonReady, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

type Row = { status: string; size: number };

function rowOf(catalog: string, path: string): Row | null {
  return (
    withCatalog(catalog, (database) =>
      database.query<Row, [string]>("SELECT status, size FROM checkpoints WHERE path = ?").get(path),
    ) ?? null
  );
}

test("a checkpoint truncated after it was indexed is re-checked on the watcher's event, not left 'ok' until the reconcile", async () => {
  using dir = makeTempDir("truncated");
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  const environment = { home: dir.path, catalog: join(dir.path, "catalog.db") };
  const daemon: DaemonProcess = await startDaemonReady(environment, [runs]);
  cleanups.push(() => daemon.process.kill("SIGKILL"));
  const checkpoint = join(runs, "model.ckpt");
  const bytes = torchZipBytes({ storageBytes: 64 * 1024, fill: 7 });
  writeFileSync(join(runs, "tmp-model"), bytes);
  renameSync(join(runs, "tmp-model"), checkpoint);
  await daemon.waitForLog(
    (line) => line.msg === "checkpoint indexed" && line["path"] === checkpoint,
    "the checkpoint indexed",
  );
  expect(rowOf(environment.catalog, checkpoint)).toEqual({ status: "ok", size: bytes.length });

  const truncatedTo = Math.floor(bytes.length / 2);
  truncateSync(checkpoint, truncatedTo);
  // The periodic reconcile is 5 minutes away: only the event can bring this about within the wait.
  const row = await waitFor(
    () => {
      const current = rowOf(environment.catalog, checkpoint);
      return current?.status === "ok" ? undefined : current;
    },
    { what: "the truncated checkpoint's row to stop saying ok", timeoutMs: 30_000 },
  );
  expect(row).toEqual({ status: "incomplete", size: truncatedTo });
  expect(daemon.lines.filter((line) => line.msg === "reconciled").length).toBe(1);
});
