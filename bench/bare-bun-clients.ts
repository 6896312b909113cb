// The floor under a ckpt command's time: the least a compiled Bun program does for the same answer. Three
// programs, compiled as ckpt is (bytecode, minified ESM) and writing as ckpt does (`writeSync` to fd 1: Node's
// stdout stream alone costs ~15 ms to load): one that only starts and prints, and two that open the catalog
// (PostgreSQL over a new connection, or the SQLite file), run `ckpt ls --limit 50`'s listing query and print its
// rows as JSON. ckpt's time minus theirs, measured alternately, is what ckpt itself adds.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildEntrySql } from "../src/core/catalog/entry-sql.ts";
import { positional } from "../src/io/catalog/postgres-connection.ts";

/** The listing `ckpt ls --limit 50` sends, built by ckpt's own query builder for each catalog. */
const LISTING = { roots: [], limit: 50 } as const;
const sqliteListing = buildEntrySql(LISTING);
const postgresListing = buildEntrySql({ ...LISTING, dialect: "postgres" });

const SOURCES = {
  startup: `import { writeSync } from "node:fs";\nwriteSync(1, "ready\\n");\n`,
  postgres: `import { writeSync } from "node:fs";
import { SQL } from "bun";
const sql = new SQL(process.argv[2], { max: 1, prepare: false });
const rows = await sql.unsafe(${JSON.stringify(positional(postgresListing.sql))}, ${JSON.stringify(postgresListing.params)});
writeSync(1, JSON.stringify([...rows]) + "\\n");
await sql.close();
`,
  sqlite: `import { writeSync } from "node:fs";
import { Database } from "bun:sqlite";
const database = new Database(process.argv[2], { readonly: true });
const rows = database.query(${JSON.stringify(sqliteListing.sql)}).all(...${JSON.stringify(sqliteListing.params)});
writeSync(1, JSON.stringify(rows) + "\\n");
database.close();
`,
} as const;

export type BareClients = { readonly [name in keyof typeof SOURCES]: string };

async function compile(source: string, into: string, name: string): Promise<string> {
  const entry = join(into, `bare-${name}.ts`);
  writeFileSync(entry, source);
  const outfile = join(into, `bare-${name}`);
  const result = await Bun.build({
    entrypoints: [entry],
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    target: "bun",
    format: "esm",
    bytecode: true,
    minify: true,
  });
  if (!result.success) throw new Error(`bare ${name}: ${result.logs.join("\n")}`);
  return outfile;
}

/** The three programs compiled into `into`; each takes the catalog (URL or file) as its one argument. */
export async function buildBareClients(into: string): Promise<BareClients> {
  return {
    startup: await compile(SOURCES.startup, into, "startup"),
    postgres: await compile(SOURCES.postgres, into, "postgres"),
    sqlite: await compile(SOURCES.sqlite, into, "sqlite"),
  };
}
