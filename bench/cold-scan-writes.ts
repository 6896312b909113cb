// The catalog writes of a cold scan alone (issue 17, item 4): the rows a scan of TREE stores, read once, then
// stored again into fresh catalogs 500 a transaction (as the scan does), closing included (the last checkpoint of
// the WAL), for each variant of the writer's settings, alternating; wall and CPU of each.
//   bun bench/cold-scan-writes.ts TREE [--rounds 5] [--variant 'NAME=PRAGMA;PRAGMA|PRAGMA_AFTER']...
// A part that starts with CREATE or DROP runs as it is (indexes built after the rows, say), any other as a PRAGMA;
// `@page_size=N` before the writes makes the fresh catalog with that page size instead of the built-in one.
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CATALOG_DDL, CATALOG_SCHEMA_VERSION, META_KEYS } from "../src/core/catalog/catalog-schema.ts";
import { openCatalogForWriting } from "../src/io/catalog/catalog-db.ts";
import { scanCatalog } from "../src/io/scan/catalog-scan.ts";
import type { ReadOutcome } from "../src/io/scan/index-one.ts";
import { storeIndexed } from "../src/io/scan/store-indexed.ts";
import { median } from "./reader-bench-support.ts";

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "5" },
    variant: { type: "string", multiple: true, default: [] },
  },
});
const tree = positionals[0];
if (tree === undefined)
  throw new Error("usage: bench/cold-scan-writes.ts TREE [--rounds N] [--variant NAME=PRAGMA;…]");
const work = mkdtempSync(join(tmpdir(), "ckpt-cold-writes-"));
const now = Date.now;

const outcomes: ReadOutcome[] = [];
const collecting = openCatalogForWriting(join(work, "collect.db"), { now });
await scanCatalog(collecting, {
  roots: [tree],
  sidecars: "off",
  now,
  onRead: (outcome) => outcomes.push(outcome),
});
collecting.close();

/** `NAME=PRAGMA;PRAGMA|PRAGMA`: pragmas run before the writes, and after them (before closing). */
type Variant = { readonly before: readonly string[]; readonly after: readonly string[] };
const variants = new Map<string, Variant>([["as built", { before: [], after: [] }]]);
for (const variant of values.variant) {
  const cut = variant.indexOf("=");
  const [before = "", after = ""] = variant.slice(cut + 1).split("|");
  const list = (text: string) => text.split(";").filter(Boolean);
  variants.set(variant.slice(0, cut), { before: list(before), after: list(after) });
}

const sqlOf = (part: string) => (/^\s*(CREATE|DROP)\s/i.test(part) ? part : `PRAGMA ${part}`);

/** The catalog as `openCatalogForWriting` makes it, with another page size (`@page_size=N` in a variant). */
function createWithPageSize(at: string, pageSize: string): void {
  const database = new Database(at, { create: true, strict: true });
  database.run(`PRAGMA page_size = ${Number(pageSize)}`);
  database.run("PRAGMA journal_mode = WAL");
  for (const statement of CATALOG_DDL) database.run(statement);
  database.run("INSERT INTO meta (key, value) VALUES (?, ?)", [
    META_KEYS.schemaVersion,
    String(CATALOG_SCHEMA_VERSION),
  ]);
  database.close();
}

function storeAll(variant: Variant, at: string): { wallMs: number; cpuMs: number } {
  const pageSize = variant.before.find((part) => part.startsWith("@page_size="));
  if (pageSize !== undefined) createWithPageSize(at, pageSize.slice("@page_size=".length));
  const database = openCatalogForWriting(at, { now });
  for (const statement of variant.before.filter((part) => !part.startsWith("@")))
    database.run(sqlOf(statement));
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let from = 0; from < outcomes.length; from += 500)
    storeIndexed(database, { indexed: outcomes.slice(from, from + 500), now: now() });
  for (const statement of variant.after) database.run(sqlOf(statement));
  database.close();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

const results = new Map<string, { wallMs: number; cpuMs: number }[]>();
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, variant] of variants) {
    const at = join(work, `round${round}.db`);
    const took = storeAll(variant, at);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(at + suffix, { force: true });
    results.set(name, [...(results.get(name) ?? []), took]);
  }
}
console.log(
  `## storing the ${outcomes.length} rows of a cold scan of ${tree}, 500 a transaction, close included`,
);
console.log("| variant | wall (median) | CPU (median) | rounds (wall / CPU ms) |");
console.log("|---|---:|---:|---|");
for (const [name, took] of results) {
  const rounds = took.map((one) => `${one.wallMs.toFixed(0)}/${one.cpuMs.toFixed(0)}`).join(", ");
  console.log(
    `| ${name} | ${median(took.map((one) => one.wallMs)).toFixed(0)} ms | ${median(took.map((one) => one.cpuMs)).toFixed(0)} ms | ${rounds} |`,
  );
}
rmSync(work, { recursive: true, force: true });
