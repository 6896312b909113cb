import { expect, test } from "bun:test";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import type { AssembleCheckpoint } from "../../../src/io/scan/index-one.ts";
import { sampleMetadata, writeCheckpoint } from "../../helpers/catalog-tree.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const assemble: AssembleCheckpoint = (path) => ({
  status: "ok",
  metadata: sampleMetadata(path, { exp: "x", epoch: 1, hmean: 0.5 }),
  problem: null,
  run: null,
});

test("a scan writes without fsyncs and leaves the catalog synchronous = NORMAL, its WAL checkpointed", async () => {
  using dir = makeTempDir("unsynced-scan");
  for (const name of ["a/e1.ckpt", "a/e2.ckpt", "b/e3.ckpt"]) writeCheckpoint(join(dir.path, "tree", name));
  using database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
  const synchronous = () =>
    database.query<{ synchronous: number }, []>("PRAGMA synchronous").get()?.synchronous;
  const during: (number | undefined)[] = [];
  const summary = await scanCatalog(database, {
    roots: [join(dir.path, "tree")],
    sidecars: "off",
    now: () => 0,
    assemble,
    onProgress: () => during.push(synchronous()),
  });
  expect(summary.added).toBe(3);
  expect(new Set(during)).toEqual(new Set([0]));
  expect(synchronous()).toBe(1);
  // Every frame of the WAL is in the database file: [busy, frames in the log, frames checkpointed].
  const [busy, log, checkpointed] = database.query("PRAGMA wal_checkpoint(PASSIVE)").values()[0] ?? [];
  expect({ busy, pending: Number(log) - Number(checkpointed) }).toEqual({ busy: 0, pending: 0 });
});

test("a DELETE-journal catalog (a network filesystem) keeps its settings through a scan", async () => {
  using dir = makeTempDir("unsynced-scan-nowal");
  writeCheckpoint(join(dir.path, "tree/e1.ckpt"));
  using database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0, noWal: true });
  const during: (number | undefined)[] = [];
  await scanCatalog(database, {
    roots: [join(dir.path, "tree")],
    sidecars: "off",
    now: () => 0,
    assemble,
    onProgress: () =>
      during.push(database.query<{ synchronous: number }, []>("PRAGMA synchronous").get()?.synchronous),
  });
  expect(during).toEqual([1]);
});
