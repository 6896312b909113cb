import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CATALOG_DDL, CATALOG_SCHEMA_VERSION, META_KEYS } from "../../../src/core/catalog/catalog-schema.ts";
import {
  dataVersion,
  openCatalogForReading,
  openCatalogForWriting,
} from "../../../src/io/catalog/catalog-db.ts";
import { queryEntries } from "../../../src/io/catalog/catalog-reads.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { assembleUnavailable } from "../../../src/io/scan/index-one.ts";
import { writeCheckpoint } from "../../helpers/catalog-tree.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

function tree(root: string): void {
  for (let run = 0; run < 3; run++) {
    for (let epoch = 0; epoch < 4; epoch++) {
      writeCheckpoint(join(root, `runs/run${run}/epoch=${epoch}.ckpt`), {
        sample: { exp: `run${run}`, epoch, hmean: epoch / 10 },
      });
    }
  }
}

async function scanInto(path: string, root: string, rebuilt: string[] = []) {
  const database = openCatalogForWriting(path, {
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    onRebuild: (problem, to) => rebuilt.push(`${problem.kind} ${to}`),
  });
  try {
    await scanCatalog(database, {
      roots: [root],
      sidecars: "read",
      now: () => 0,
      assemble: assembleUnavailable,
      workers: 0,
    });
    return queryEntries(database, { roots: [] }).map((entry) => [entry.path, entry.exp_name, entry.epoch]);
  } finally {
    database.close();
  }
}

describe("catalog database", () => {
  test("a corrupt database is moved aside and rebuilt from the sidecars without loss", async () => {
    using dir = makeTempDir("catalog-corrupt");
    tree(join(dir.path, "tree"));
    const path = join(dir.path, "state/catalog.db");
    const before = await scanInto(path, join(dir.path, "tree"));
    expect(before).toHaveLength(12);
    writeFileSync(path, "this is not a database at all, just garbage bytes".repeat(200));
    const rebuilt: string[] = [];
    expect(openCatalogForReading(path).success).toBe(false);
    const after = await scanInto(path, join(dir.path, "tree"), rebuilt);
    expect(after).toEqual(before);
    expect(rebuilt).toEqual([`corrupt ${path}.corrupt-20260102T030405Z`]);
    expect(existsSync(`${path}.corrupt-20260102T030405Z`)).toBe(true);
  });

  test("a database of another schema version is moved aside and rebuilt", async () => {
    using dir = makeTempDir("catalog-old");
    tree(join(dir.path, "tree"));
    const path = join(dir.path, "catalog.db");
    const old = new Database(path, { create: true });
    old.run("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    old.run("INSERT INTO meta VALUES ('schema_version', '0')");
    old.run("CREATE TABLE checkpoints (path TEXT PRIMARY KEY)");
    old.close();
    const read = openCatalogForReading(path);
    expect(read.success ? null : read.error.kind).toBe("schema-version");
    const rebuilt: string[] = [];
    expect(await scanInto(path, join(dir.path, "tree"), rebuilt)).toHaveLength(12);
    expect(rebuilt).toEqual([`schema-version ${path}.schema0-20260102T030405Z`]);
    expect(readdirSync(dir.path).sort()).toContain("catalog.db.schema0-20260102T030405Z");
  });

  test("a read-only reader sees the writer's commits through data_version", async () => {
    using dir = makeTempDir("catalog-version");
    const path = join(dir.path, "catalog.db");
    openCatalogForWriting(path, { now: () => 0 }).close();
    const opened = openCatalogForReading(path);
    if (!opened.success) throw new Error(opened.error.message);
    const reader = opened.data;
    const first = dataVersion(reader);
    expect(dataVersion(reader)).toBe(first);
    tree(join(dir.path, "tree"));
    await scanInto(path, join(dir.path, "tree"));
    expect(dataVersion(reader)).not.toBe(first);
    expect(queryEntries(reader, { roots: [], limit: 2 })).toHaveLength(2);
    expect(() => reader.run("DELETE FROM checkpoints")).toThrow();
    reader.close();
  });

  test("a new catalog has 16 KB pages; one made before with 4 KB pages keeps them and takes rows", async () => {
    using dir = makeTempDir("catalog-pages");
    tree(join(dir.path, "tree"));
    const pageSize = (path: string) => {
      const database = new Database(path, { readonly: true });
      const size = database.query<{ page_size: number }, []>("PRAGMA page_size").get()?.page_size;
      database.close();
      return size;
    };
    const fresh = join(dir.path, "fresh.db");
    expect(await scanInto(fresh, join(dir.path, "tree"))).toHaveLength(12);
    expect(pageSize(fresh)).toBe(16384);
    // A catalog as the previous version made it: this schema, SQLite's default page size.
    const older = join(dir.path, "older.db");
    const made = new Database(older, { create: true });
    made.run("PRAGMA page_size = 4096");
    made.run("PRAGMA journal_mode = WAL");
    for (const statement of CATALOG_DDL) made.run(statement);
    made.run("INSERT INTO meta (key, value) VALUES (?, ?)", [
      META_KEYS.schemaVersion,
      String(CATALOG_SCHEMA_VERSION),
    ]);
    made.close();
    const rebuilt: string[] = [];
    expect(await scanInto(older, join(dir.path, "tree"), rebuilt)).toHaveLength(12);
    expect(rebuilt).toEqual([]);
    expect(pageSize(older)).toBe(4096);
  });
});
