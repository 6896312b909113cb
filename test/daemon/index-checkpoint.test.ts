import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { indexCheckpointPath } from "../../src/daemon/index-checkpoint.ts";
import { openCatalogForWriting } from "../../src/io/catalog/catalog-db.ts";
import { rootScopeOf } from "../../src/io/scan/root-scope.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

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
});
