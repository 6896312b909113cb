import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { indexCheckpointPath } from "../../src/daemon/index-checkpoint.ts";
import { openCatalogForWriting } from "../../src/io/catalog/catalog-db.ts";
import { defaultAssemble } from "../../src/io/scan/catalog-assemble.ts";
import { scanCatalog } from "../../src/io/scan/catalog-scan.ts";
import { rootScopeOf } from "../../src/io/scan/root-scope.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

const DCP_FIXTURE = join(import.meta.dir, "../fixtures/distributed/dcp/single_nodist");

describe("indexCheckpointPath", () => {
  test("a symlink that settles before its target indexes the target through it, and says so", async () => {
    using dir = makeTempDir("index-link");
    const run = join(dir.path, "run");
    mkdirSync(run);
    const target = join(run, "epoch=3.ckpt");
    writeFileSync(target, torchZipBytes({ fill: 3 }));
    symlinkSync("epoch=3.ckpt", join(run, "last.ckpt"));
    const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
    try {
      const request = {
        roots: [dir.path],
        scope: rootScopeOf([dir.path]),
        sidecars: "write" as const,
        now: () => 0,
      };
      const result = await indexCheckpointPath(database, { ...request, path: join(run, "last.ckpt") });
      expect(result.kind).toBe("alias");
      if (result.kind !== "alias") return;
      expect(result.of).toBe(target);
      // The target's read comes back with the link, so its "checkpoint indexed" and "sidecar written" are logged.
      expect(result.target?.entry.path).toBe(target);
      expect(result.target?.wrote).toBe(join(run, "epoch=3.metadata.yaml"));
      expect(existsSync(join(run, "epoch=3.metadata.yaml"))).toBe(true);
      // Once the target is catalogued, the link is only an alias: no second read.
      const again = await indexCheckpointPath(database, { ...request, path: join(run, "last.ckpt") });
      expect(again).toEqual({ kind: "alias", of: target });
      const rows = database
        .query<{ path: string; alias_of: string | null }, []>(
          "SELECT path, alias_of FROM checkpoints ORDER BY path",
        )
        .all();
      expect(rows).toEqual([
        { path: target, alias_of: null },
        { path: join(run, "last.ckpt"), alias_of: target },
      ]);
    } finally {
      database.close();
    }
  });

  test("a checkpoint deleted between the look and the read is gone, not a failed read", async () => {
    using dir = makeTempDir("index-deleted");
    const run = join(dir.path, "run");
    mkdirSync(run);
    const path = join(run, "epoch=1.ckpt");
    writeFileSync(path, torchZipBytes({ fill: 1 }));
    const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
    try {
      const roots = [dir.path];
      const request = { path, roots, scope: rootScopeOf(roots), sidecars: "read" as const, now: () => 0 };
      // The look (stat) is synchronous; the read starts after the first await, by when the file is gone.
      const indexing = indexCheckpointPath(database, request);
      rmSync(run, { recursive: true });
      expect(await indexing).toEqual({ kind: "gone" });
      const rows = database.query<{ n: number }, []>("SELECT count(*) AS n FROM checkpoints").get();
      expect(rows?.n).toBe(0);
    } finally {
      database.close();
    }
  });
});

describe("a path the daemon indexed is the same to the next reconcile", () => {
  test("a DCP dir named checkpoint-N, a sharded .ckpt/ holding a ckpt.metadata.yaml and a file with its sidecar", async () => {
    using dir = makeTempDir("index-as-walked");
    const run = join(dir.path, "run");
    // No HF marker in it: the walk takes it by its files (DCP), not by its name.
    const dcpNamedLikeHf = join(run, "checkpoint-7");
    cpSync(DCP_FIXTURE, dcpNamedLikeHf, { recursive: true });
    // A Lightning sharded dir: the walk never counts a sidecar inside it.
    const sharded = join(run, "epoch=1.ckpt");
    cpSync(DCP_FIXTURE, sharded, { recursive: true });
    writeFileSync(join(sharded, "ckpt.metadata.yaml"), "not: ours\n");
    const file = join(run, "epoch=2.ckpt");
    writeFileSync(file, torchZipBytes({ fill: 2 }));
    writeFileSync(join(run, "epoch=2.metadata.yaml"), "not: ours either\n");
    const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
    try {
      const request = {
        roots: [dir.path],
        scope: rootScopeOf([dir.path]),
        sidecars: "read" as const,
        now: () => 0,
      };
      for (const path of [dcpNamedLikeHf, sharded, file]) {
        const result = await indexCheckpointPath(database, { ...request, path });
        expect(result.kind).toBe("indexed");
      }
      const kinds = database
        .query<{ path: string; kind: string }, []>("SELECT path, kind FROM checkpoints ORDER BY path")
        .all();
      expect(kinds).toEqual([
        { path: dcpNamedLikeHf, kind: "sharded-dir" },
        { path: sharded, kind: "sharded-dir" },
        { path: file, kind: "file" },
      ]);
      const summary = await scanCatalog(database, {
        roots: [dir.path],
        sidecars: "read",
        now: () => 0,
        assemble: defaultAssemble,
        workers: 0,
      });
      const { added, updated, removed, unchanged } = summary;
      expect({ added, updated, removed, unchanged }).toEqual({
        added: 0,
        updated: 0,
        removed: 0,
        unchanged: 3,
      });
    } finally {
      database.close();
    }
  });
});
