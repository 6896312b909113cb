// In-process cold scan of a tree (no workers unless --workers N): for `bun --cpu-prof` and thread CPU numbers.
//   bun --cpu-prof bench/cold-scan-profile.ts TREE [--workers 0]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openCatalogForWriting } from "../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../src/io/scan/catalog-scan.ts";

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: { workers: { type: "string", default: "0" } },
});
const tree = positionals[0];
if (tree === undefined) throw new Error("usage: bench/cold-scan-profile.ts TREE [--workers N]");
const work = mkdtempSync(join(tmpdir(), "ckpt-cold-profile-"));
const database = openCatalogForWriting(join(work, "catalog.db"), { now: Date.now, noWal: false });
const cpu = process.cpuUsage();
const start = performance.now();
const summary = await scanCatalog(database, {
  roots: [tree],
  sidecars: "off",
  now: Date.now,
  workers: Number(values.workers),
});
const used = process.cpuUsage(cpu);
console.log(
  `${summary.added} added, ${summary.failed} failed: ${(performance.now() - start).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
);
database.close();
rmSync(work, { recursive: true, force: true });
