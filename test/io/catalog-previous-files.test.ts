import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { join } from "node:path";
import { entryFromMetadata } from "../../src/core/catalog/entry-from-metadata.ts";
import { openCatalogForWriting } from "../../src/io/catalog-db.ts";
import { applyCatalogChanges, previousFiles } from "../../src/io/catalog-writes.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

let dir: ReturnType<typeof makeTempDir>;
let database: Database;

function store(paths: readonly string[]): void {
  const upserts = paths.map((path, index) => ({
    ...entryFromMetadata({
      file: { path, kind: "file", dev: 1, ino: index + 1, size: 10, mtime_ms: 1000, alias_of: null },
      metadata: null,
      status: "ok",
      sidecar: "missing",
      runDir: null,
      indexedAt: 0,
    }),
    sidecar_present: false,
    metadata: null,
  }));
  applyCatalogChanges(database, { upserts, now: 0 });
}

beforeEach(() => {
  dir = makeTempDir("previous-files");
  database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
});

afterEach(() => {
  database.close();
  dir[Symbol.dispose]();
});

// More rows than one page (4,096), so the keyset paging is crossed several times.
const many = Array.from(
  { length: 9000 },
  (_, index) => `/r/run${index % 7}/e${String(index).padStart(5, "0")}.ckpt`,
);

test("pages through every row under a root, once, and nothing beside it", () => {
  store([...many, "/r", "/r-old/x.ckpt", "/r0/y.ckpt", "/rr/z.ckpt", "/q/w.ckpt"]);
  const paths = [...previousFiles(database, ["/r/"])].map((file) => file.path);
  expect(paths).toHaveLength(many.length + 1);
  expect(new Set(paths)).toEqual(new Set([...many, "/r"]));
});

test("a root inside another root does not list its rows twice; rows under `keep` are left out", () => {
  store(many);
  const nested = [...previousFiles(database, ["/r", "/r/run3"])].map((file) => file.path);
  expect(nested).toHaveLength(many.length);
  const kept = [...previousFiles(database, ["/r"], ["/r/run3"])].map((file) => file.path);
  expect(kept).toEqual(nested.filter((path) => !path.startsWith("/r/run3/")));
});

test("the facts come back as stored", () => {
  store(["/r/a.ckpt"]);
  expect([...previousFiles(database, ["/r"])]).toEqual([
    {
      path: "/r/a.ckpt",
      kind: "file",
      dev: 1,
      ino: 1,
      size: 10,
      mtime_ms: 1000,
      alias_of: null,
      sidecar_present: false,
    },
  ]);
});
