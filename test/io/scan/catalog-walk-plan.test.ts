import { afterEach, beforeEach, expect, test } from "bun:test";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { planFromWalk } from "../../../src/io/scan/catalog-walk-plan.ts";
import type { AssembleCheckpoint } from "../../../src/io/scan/index-one.ts";
import { sampleMetadata, writeCheckpoint } from "../../helpers/catalog-tree.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

let dir: ReturnType<typeof makeTempDir>;
let other: ReturnType<typeof makeTempDir>;

beforeEach(() => {
  dir = makeTempDir("walk-plan");
  other = makeTempDir("walk-plan-other");
  for (const name of ["a/e1.ckpt", "a/e2.ckpt", "b/c/e3.pt"]) writeCheckpoint(join(dir.path, name));
  writeCheckpoint(join(other.path, "x/e9.ckpt"));
});

afterEach(() => {
  dir[Symbol.dispose]();
  other[Symbol.dispose]();
});

const assemble: AssembleCheckpoint = (path) => ({
  status: "ok",
  metadata: sampleMetadata(path, { exp: "x", epoch: 1, hmean: 0.5 }),
  problem: null,
  run: null,
});

function catalog() {
  return openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
}

async function plan(database: ReturnType<typeof catalog>, roots: readonly string[]) {
  const early: string[][] = [];
  const walked = await planFromWalk(database, roots, {
    recursive: true,
    backfillSidecars: false,
    onNewFiles: (files) => early.push(files.map((file) => file.path).sort()),
  });
  return { early, plan: walked.plan };
}

test("with no row under the roots, each directory's new checkpoints are offered as it is listed", async () => {
  using database = catalog();
  // Rows under another root do not matter: no path under this one can be their rename.
  await scanCatalog(database, { roots: [other.path], sidecars: "off", now: () => 0, assemble });
  const { early, plan: found } = await plan(database, [dir.path]);
  expect(early.sort()).toEqual([
    [join(dir.path, "a/e1.ckpt"), join(dir.path, "a/e2.ckpt")],
    [join(dir.path, "b/c/e3.pt")],
  ]);
  expect(found.read.map(({ file, reason }) => [file.path, reason]).sort()).toEqual(
    early.flat().map((path) => [path, "added"]),
  );
});

test("with rows under the roots, nothing is offered early and a rename stays a rename", async () => {
  using database = catalog();
  await scanCatalog(database, { roots: [dir.path], sidecars: "off", now: () => 0, assemble });
  renameSync(join(dir.path, "a/e1.ckpt"), join(dir.path, "b/moved.ckpt"));
  writeCheckpoint(join(dir.path, "b/new.ckpt"));
  const { early, plan: found } = await plan(database, [dir.path]);
  expect(early).toEqual([]);
  expect(found.renamed.map(({ from, file }) => [from, file.path])).toEqual([
    [join(dir.path, "a/e1.ckpt"), join(dir.path, "b/moved.ckpt")],
  ]);
  expect(found.read.map(({ file }) => file.path)).toEqual([join(dir.path, "b/new.ckpt")]);
});

test("following symlinks, any row in the catalog keeps reads until the walk ends", async () => {
  using database = catalog();
  await scanCatalog(database, { roots: [other.path], sidecars: "off", now: () => 0, assemble });
  const early: string[] = [];
  await planFromWalk(database, [dir.path], {
    recursive: true,
    followSymlinks: true,
    backfillSidecars: false,
    onNewFiles: (files) => early.push(...files.map((file) => file.path)),
  });
  expect(early).toEqual([]);
});
