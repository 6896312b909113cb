import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { META_KEYS } from "../../../src/core/catalog/catalog-schema.ts";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { torchZipBytes } from "../../helpers/torch-zip-bytes.ts";

// The daemon's stop reaches a scan through its signal; a walk of a big tree must give the event loop turns, or
// the timer (standing for SIGTERM) could not fire until the walk was over.

describe("scanCatalog with a signal", () => {
  test("a stop that arrives during the walk ends the scan: it throws the reason and records no scan", async () => {
    using dir = makeTempDir("scan-abort");
    const root = join(dir.path, "runs");
    const bytes = torchZipBytes({ storageBytes: 16 });
    // 3,000 directories: their walk and comparison take well over one turn's 20 ms.
    for (let index = 0; index < 3000; index++) {
      mkdirSync(join(root, `run${index}`), { recursive: true });
      writeFileSync(join(root, `run${index}`, "epoch=1.pt"), bytes);
    }
    const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("stopping")), 0);
      const scan = scanCatalog(database, {
        roots: [root],
        sidecars: "off",
        now: () => 0,
        workers: 0,
        signal: controller.signal,
      });
      await expect(scan).rejects.toThrow("stopping");
      const recorded = database
        .query<{ n: number }, [string]>("SELECT count(*) AS n FROM meta WHERE key = ?")
        .get(META_KEYS.lastScanAt);
      const rows = database.query<{ n: number }, []>("SELECT count(*) AS n FROM checkpoints").get();
      expect({ recorded: recorded?.n, rows: rows?.n }).toEqual({ recorded: 0, rows: 0 });
    } finally {
      database.close();
    }
  }, 30_000);
});
