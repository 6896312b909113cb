import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, linkSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";
import { removeGonePaths, takeRemovals } from "../../src/daemon/path-removals.ts";
import { openCatalogForWriting } from "../../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../../src/io/scan/catalog-scan.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const RUN = "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56";

/** Three copies of a real Lightning run whose names share a prefix (`exp`, `exp-2`, `exp.old`), scanned. */
async function catalogedRuns(dir: string, sidecars: "write" | "read") {
  const root = join(realpathSync(dir), "runs");
  for (const name of ["exp", "exp-2", "exp.old"])
    cpSync(join(realFixtureRoot, RUN), join(root, name), {
      recursive: true,
      filter: (path) => !path.endsWith(".truth.json"),
    });
  const database = openCatalogForWriting(join(dir, "catalog.db"), { now: () => 0 });
  await scanCatalog(database, { roots: [root], sidecars, now: () => 1_700_000_000_000, workers: 0 });
  return { root, database };
}

function catalogue(database: Database) {
  const paths = database.query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path").all();
  const runs = database.query<{ dir: string }, []>("SELECT dir FROM runs ORDER BY dir").all();
  const points = database
    .query<{ run_dir: string }, []>("SELECT DISTINCT run_dir FROM metric_points ORDER BY run_dir")
    .all();
  return {
    paths: paths.map((row) => row.path),
    runs: runs.map((row) => row.dir),
    points: points.map((row) => row.run_dir),
  };
}

const under = (prefix: string) => (path: string) => path.startsWith(`${prefix}/`);

describe("removeGonePaths", () => {
  test("a removed directory is one range: its rows, runs and points go, siblings sharing its name's prefix stay", async () => {
    using dir = makeTempDir("removals-dir");
    const { root, database } = await catalogedRuns(dir.path, "read");
    try {
      const before = catalogue(database);
      const exp = join(root, "exp");
      const inExp = before.paths.filter(under(exp));
      expect(inExp.length).toBe(4);
      rmSync(exp, { recursive: true });
      // The watcher reports each file and then the directory; they arrive in one batch.
      const removed = removeGonePaths(database, [...inExp, exp], { sidecars: "write" });
      expect(removed).toEqual([{ path: exp, rows: 4, sidecarRemoved: null, orphanedAliases: [] }]);
      const keep = (path: string) => !under(exp)(path) && path !== exp;
      expect(catalogue(database)).toEqual({
        paths: before.paths.filter(keep),
        runs: before.runs.filter(keep),
        points: before.points.filter(keep),
      });
      expect(before.runs.filter((run) => !keep(run))).toEqual([exp]);
    } finally {
      database.close();
    }
  });

  test("a removed file takes its row and, with --sidecars write only, ckpt's sidecar; a path that is back stays", async () => {
    using dir = makeTempDir("removals-file");
    const { root, database } = await catalogedRuns(dir.path, "write");
    try {
      const checkpoints = join(root, "exp-2", "checkpoints");
      const [gone, kept, back] = ["dbnet-epoch02-hmean0.9705", "dbnet-epoch03-hmean0.9778", "last"];
      rmSync(join(checkpoints, `${gone}.ckpt`));
      rmSync(join(checkpoints, `${kept}.ckpt`));
      const paths = [gone, back].map((name) => join(checkpoints, `${name}.ckpt`));
      expect(removeGonePaths(database, paths, { sidecars: "write" })).toEqual([
        {
          path: join(checkpoints, `${gone}.ckpt`),
          rows: 1,
          sidecarRemoved: join(checkpoints, `${gone}.metadata.yaml`),
          orphanedAliases: [],
        },
      ]);
      expect(removeGonePaths(database, [join(checkpoints, `${kept}.ckpt`)], { sidecars: "read" })).toEqual([
        { path: join(checkpoints, `${kept}.ckpt`), rows: 1, sidecarRemoved: null, orphanedAliases: [] },
      ]);
      expect(existsSync(join(checkpoints, `${gone}.metadata.yaml`))).toBe(false);
      expect(existsSync(join(checkpoints, `${kept}.metadata.yaml`))).toBe(true);
      expect(catalogue(database).paths.filter(under(checkpoints))).toEqual([
        join(checkpoints, "dbnet-epoch04-hmean0.9811.ckpt"),
        join(checkpoints, "last.ckpt"),
      ]);
    } finally {
      database.close();
    }
  });

  test("a hard link of a removed checkpoint is handed back to be indexed as a checkpoint of its own", async () => {
    using dir = makeTempDir("removals-link");
    const root = join(realpathSync(dir.path), "runs");
    cpSync(join(realFixtureRoot, RUN, "checkpoints", "last.ckpt"), join(root, "a.ckpt"), { recursive: true });
    linkSync(join(root, "a.ckpt"), join(root, "b.ckpt"));
    const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
    try {
      await scanCatalog(database, { roots: [root], sidecars: "read", now: () => 0, workers: 0 });
      const aliases = database
        .query<{ path: string; alias_of: string | null }, []>("SELECT path, alias_of FROM checkpoints")
        .all();
      expect(aliases).toContainEqual({ path: join(root, "b.ckpt"), alias_of: join(root, "a.ckpt") });
      rmSync(join(root, "a.ckpt"));
      expect(removeGonePaths(database, [join(root, "a.ckpt")], { sidecars: "read" })).toEqual([
        {
          path: join(root, "a.ckpt"),
          rows: 1,
          sidecarRemoved: null,
          orphanedAliases: [join(root, "b.ckpt")],
        },
      ]);
      expect(catalogue(database).paths).toEqual([]);
    } finally {
      database.close();
    }
  });

  test("takeRemovals takes the oldest paths, at most a batch", () => {
    const pending = new Set(["/a", "/b", "/c"]);
    expect(takeRemovals(pending, 2)).toEqual(["/a", "/b"]);
    expect([...pending]).toEqual(["/c"]);
    expect(takeRemovals(pending, 2)).toEqual(["/c"]);
    expect(takeRemovals(pending, 2)).toEqual([]);
  });
});
