// The rows a prune plan reads, from a real SQLite catalog: under the roots (and only there), never objects in a
// bucket, in the order they were stored; the same whether SQLite walks the path index (roots hold part of the
// catalog) or the table (one root holds every row on this machine's disks).
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { CatalogEntry } from "../../../src/core/catalog/catalog-entry.ts";
import { planEntries } from "../../../src/io/catalog/prune-rows.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { sampleEntry, writeCatalog } from "../../helpers/tui-catalog.ts";

/** Runs under /runs/a, /runs/ab (a name that shares a's prefix), /runs/b, an object in a bucket, stored mixed. */
function entries(): CatalogEntry[] {
  const rows = [
    sampleEntry("b", "epoch=1.ckpt"),
    sampleEntry("a", "epoch=2.ckpt"),
    sampleEntry("ab", "epoch=1.ckpt"),
    sampleEntry("a", "epoch=1.ckpt"),
    sampleEntry("b", "epoch=2.ckpt"),
  ];
  const object = sampleEntry("s3", "epoch=9.ckpt", { path: "s3://bucket/runs/x/epoch=9.ckpt" });
  return [...rows.slice(0, 2), object, ...rows.slice(2)];
}

function plannedPaths(path: string, roots: readonly string[]): string[] {
  const database = new Database(path, { readonly: true });
  try {
    return planEntries(database, roots).map((entry) => entry.path);
  } finally {
    database.close();
  }
}

describe("the rows a prune plan reads", () => {
  test("under the roots only, in stored order, objects never; a root holding every local row reads the same", () => {
    using dir = makeTempDir("prune-rows");
    const catalog = join(dir.path, "catalog.db");
    const all = entries();
    writeCatalog(catalog, { entries: all });
    const local = all.map((entry) => entry.path).filter((path) => path.startsWith("/"));
    const under = (root: string) => local.filter((path) => path.startsWith(`${root}/`));
    // One root holds every local row: the table pass.
    expect(plannedPaths(catalog, ["/runs"])).toEqual(local);
    expect(plannedPaths(catalog, ["/runs/"])).toEqual(local);
    expect(plannedPaths(catalog, ["/"])).toEqual(local);
    expect(plannedPaths(catalog, [])).toEqual(local);
    // Part of the catalog: the path index; /runs/a does not take /runs/ab.
    expect(plannedPaths(catalog, ["/runs/a"])).toEqual(under("/runs/a"));
    expect(plannedPaths(catalog, ["/runs/a", "/runs/b"])).toEqual(
      local.filter((path) => path.startsWith("/runs/a/") || path.startsWith("/runs/b/")),
    );
    // A root that is a checkpoint itself, the only local row: the table pass again.
    const single = join(dir.path, "single.db");
    const only = sampleEntry("c", "epoch=1.ckpt");
    writeCatalog(single, { entries: [only] });
    expect(plannedPaths(single, [only.path])).toEqual([only.path]);
    expect(plannedPaths(single, ["/runs/c/checkpoints/epoch=1"])).toEqual([]);
  });
});
