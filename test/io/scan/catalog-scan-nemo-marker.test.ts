import { expect, test } from "bun:test";
import { realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inputDict } from "../../../src/core/formats/pickle/pickle-input.ts";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { queryEntries } from "../../../src/io/catalog/catalog-reads.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { torchZipBytes } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// The scan answers "is NeMo's -unfinished marker beside it?" from the directory listing it already has, and opens
// a walked regular file without another stat (read-checkpoint.ts, KnownOnDisk): the verdicts must not change.

async function statusesAfterScan(root: string, catalog: string) {
  const database = openCatalogForWriting(catalog, { now: () => 0 });
  try {
    await scanCatalog(database, { roots: [root], sidecars: "off", now: () => 1_700_000_000_000, workers: 0 });
    return Object.fromEntries(
      queryEntries(database, { roots: [root] }).map((entry) => [
        entry.path.slice(root.length + 1),
        entry.status,
      ]),
    );
  } finally {
    database.close();
  }
}

test("a scan marks in progress exactly the checkpoints whose marker it listed", async () => {
  using dir = makeTempDir("nemo-marker-scan");
  const root = realpathSync(dir.path);
  const bytes = torchZipBytes(inputDict({ epoch: 1, global_step: 100 }));
  // megatron_gpt--step=100.ckpt and its -EMA twin share one marker; step=200 has none.
  for (const name of [
    "megatron_gpt--step=100.ckpt",
    "megatron_gpt--step=100-EMA.ckpt",
    "megatron_gpt--step=200.ckpt",
  ])
    writeFileSync(join(root, name), bytes);
  writeFileSync(join(root, "megatron_gpt--step=100-unfinished"), "");
  expect(await statusesAfterScan(root, join(root, "catalog.db"))).toEqual({
    "megatron_gpt--step=100-EMA.ckpt": "incomplete",
    "megatron_gpt--step=100.ckpt": "incomplete",
    "megatron_gpt--step=200.ckpt": "ok",
  });
});

test("the walk's 'no marker' holds only for the bytes it saw: a file of another size is looked at again", () => {
  using dir = makeTempDir("nemo-marker-known");
  const ckpt = join(dir.path, "megatron_gpt--step=300.ckpt");
  const bytes = torchZipBytes(inputDict({ epoch: 3, global_step: 300 }));
  writeFileSync(ckpt, bytes);
  // NeMo began a save after the listing: its marker is there now.
  writeFileSync(join(dir.path, "megatron_gpt--step=300-unfinished"), "");
  expect(readCheckpointReport(ckpt, { size: bytes.length, unfinishedMarker: false }).status).toBe("ok");
  expect(readCheckpointReport(ckpt, { size: bytes.length - 1, unfinishedMarker: false }).status).toBe(
    "incomplete",
  );
  expect(readCheckpointReport(ckpt, { size: bytes.length, unfinishedMarker: undefined }).status).toBe(
    "incomplete",
  );
  expect(readCheckpointReport(ckpt).status).toBe("incomplete");
});
