// In-process cold scan of a tree (no workers unless --workers N): for `bun --cpu-prof` and thread CPU numbers.
//   bun --cpu-prof bench/cold-scan-profile.ts TREE [--workers 0]
// --reads-only: only the reader, on one thread, over the tree's checkpoints as cold-scan-bench.ts listed them
// (TREE.files.txt), each read as the scan reads a file its walk found; the rest of a scan's work is the difference.
//   bun bench/cold-scan-profile.ts TREE --reads-only
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openCatalogForWriting } from "../src/io/catalog/catalog-db.ts";
import { readCheckpointReport } from "../src/io/checkpoint/read-checkpoint.ts";
import { scanCatalog } from "../src/io/scan/catalog-scan.ts";

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: { workers: { type: "string", default: "0" }, "reads-only": { type: "boolean", default: false } },
});
const tree = positionals[0];
if (tree === undefined) throw new Error("usage: bench/cold-scan-profile.ts TREE [--workers N]");
if (values["reads-only"]) {
  const files = readFileSync(`${tree}.files.txt`, "utf8").trim().split("\n");
  // The walk's stat, taken before the clock starts: the scan's reader is given it (KnownOnDisk).
  const known = files.map((path) => ({ path, known: { size: statSync(path).size } }));
  const cpu = process.cpuUsage();
  const start = performance.now();
  let failed = 0;
  for (const { path, known: onDisk } of known)
    if (readCheckpointReport(path, onDisk).status !== "ok") failed += 1;
  const used = process.cpuUsage(cpu);
  console.log(
    `${files.length} read, ${failed} not ok: ${(performance.now() - start).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
  );
  process.exit(0);
}
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
