import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { SQL } from "bun";
import { aliasKey } from "../../../src/core/catalog/alias-key.ts";
import { POSTGRES_MIGRATIONS } from "../../../src/core/catalog/postgres-schema.ts";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { publishHostRows } from "../../../src/io/catalog/host-publisher.ts";
import { openPostgresCatalogStore } from "../../../src/io/catalog/postgres-catalog-store.ts";
import { sqliteCatalogStore } from "../../../src/io/catalog/sqlite-catalog-store.ts";
import { postgresPerFile } from "../../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { sampleEntry, stored, TEST_NOW } from "../../helpers/tui-catalog.ts";
import { catalogStoreContract } from "./catalog-store-contract.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

let count = 0;
let current = "";

describe("the PostgreSQL catalog store", () => {
  catalogStoreContract({
    open: async (host) => {
      current = await pg.server.createDatabase(`contract_${count++}`);
      return openPostgresCatalogStore(current, { host });
    },
    reopen: async (host) => openPostgresCatalogStore(current, { host }),
  });

  describe("with prepare=false (PgBouncer in transaction mode)", () => {
    catalogStoreContract({
      open: async (host) => {
        current = `${await pg.server.createDatabase(`unprepared_${count++}`)}&prepare=false`;
        return openPostgresCatalogStore(current, { host });
      },
      reopen: async (host) => openPostgresCatalogStore(current, { host }),
    });
  });

  test("a host publishes its local rows: changes only, against what it published before or what the server holds", async () => {
    using dir = makeTempDir("publish");
    const url = await pg.server.createDatabase("publish");
    const local = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => TEST_NOW });
    const localStore = sqliteCatalogStore(local, { host: "gpu-a" });
    const shared = await openPostgresCatalogStore(url, { host: "gpu-a" });
    try {
      const [first, second] = [sampleEntry("alpha", "epoch=0.ckpt"), sampleEntry("alpha", "epoch=1.ckpt")];
      await localStore.applyChanges({ upserts: [stored(first)], now: TEST_NOW });
      const initial = await publishHostRows(local, shared);
      expect([initial.upserted, initial.removed]).toEqual([1, 0]);
      await localStore.applyChanges({ upserts: [stored(second)], removed: [first.path], now: TEST_NOW });
      const next = await publishHostRows(local, shared, initial.published);
      expect([next.upserted, next.removed]).toEqual([1, 1]);
      const again = await publishHostRows(local, shared);
      expect([again.upserted, again.removed, again.runs]).toEqual([0, 0, 0]);
      const rows = await shared.listEntries({ roots: [] });
      expect(rows.map((entry) => [entry.host, entry.path])).toEqual([["gpu-a", second.path]]);
    } finally {
      local.close();
      await shared.close();
    }
  });

  test("aliases are each host's own: two hosts holding the same path do not share their links", async () => {
    const url = await pg.server.createDatabase("aliases_by_host");
    const [a, b] = [
      await openPostgresCatalogStore(url, { host: "gpu-a" }),
      await openPostgresCatalogStore(url, { host: "gpu-b" }),
    ];
    try {
      const primary = sampleEntry("alpha", "epoch=1.ckpt");
      const linkOf = (file: string) => stored(sampleEntry("alpha", file, { alias_of: primary.path }));
      await a.applyChanges({ upserts: [stored(primary), linkOf("last.ckpt")], now: TEST_NOW });
      await b.applyChanges({ upserts: [stored(primary), linkOf("best.ckpt")], now: TEST_NOW });
      const listed = await a.listEntries({ roots: [] });
      expect(listed.map((entry) => entry.host)).toEqual(["gpu-a", "gpu-b"]);
      const dir = "/runs/alpha/checkpoints";
      expect(await a.aliasesOf(listed)).toEqual(
        new Map([
          [aliasKey({ host: "gpu-a", path: primary.path }), [`${dir}/last.ckpt`]],
          [aliasKey({ host: "gpu-b", path: primary.path }), [`${dir}/best.ckpt`]],
        ]),
      );
      // An entry that names no host is the store's own host's.
      expect(await b.aliasesOf([{ path: primary.path }])).toEqual(
        new Map([[aliasKey({ path: primary.path }), [`${dir}/best.ckpt`]]]),
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("hosts: every host with rows, in order, each once (none for an empty catalog)", async () => {
    const url = await pg.server.createDatabase("hosts_listed");
    const names = ["gpu-b", "gpu-a", "gpu-a2", "gpu-c"];
    const stores = await Promise.all(names.map((host) => openPostgresCatalogStore(url, { host })));
    try {
      const empty = await stores[0]?.hosts();
      for (const [index, store] of stores.entries()) {
        if (index === 3) continue; // gpu-c opens the catalog but writes nothing
        const rows = ["epoch=1.ckpt", "epoch=2.ckpt"].map((file) => stored(sampleEntry("alpha", file)));
        await store.applyChanges({ upserts: rows, now: TEST_NOW });
      }
      expect({ empty, hosts: await stores[3]?.hosts() }).toEqual({
        empty: [],
        hosts: ["gpu-a", "gpu-a2", "gpu-b"],
      });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  test("migrates an empty database once; opening again changes nothing", async () => {
    const url = await pg.server.createDatabase("migrations");
    const first = await openPostgresCatalogStore(url, { host: "a" });
    await first.close();
    const second = await openPostgresCatalogStore(`${url}&prepare=false`, { host: "b" });
    await second.close();
    const sql = new SQL(url, { max: 1 });
    try {
      const versions = await sql`SELECT version FROM ckpt_migrations ORDER BY version`;
      expect([...versions].map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
      const tables =
        await sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
      expect([...tables].map((row) => row.tablename)).toEqual([
        "checkpoints",
        "ckpt_migrations",
        "meta",
        "metric_points",
        "runs",
      ]);
    } finally {
      await sql.close();
    }
  });

  test("a catalog migrated by a newer ckpt is refused with what to do", async () => {
    const url = await pg.server.createDatabase("newer");
    await (await openPostgresCatalogStore(url, { host: "a" })).close();
    const sql = new SQL(url, { max: 1 });
    await sql`INSERT INTO ckpt_migrations (version) VALUES (999)`;
    await sql.close();
    await expect(openPostgresCatalogStore(url, { host: "a" })).rejects.toThrow(
      /schema version 999, newer than this ckpt's 1; upgrade ckpt/,
    );
  });

  test("a malformed URL is a usage error that says how to write one", async () => {
    await expect(openPostgresCatalogStore("postgres://a:b@[bad", { host: "a" })).rejects.toThrow(
      /postgres:\/\/a:\*\*\*@\[bad is not a PostgreSQL URL ckpt can read; write it as postgres:\/\/USER@HOST/,
    );
  });

  test("an unreachable server is an error naming the URL without its password", async () => {
    const url = "postgres://ckpt:secret@localhost:1/none?host=/nonexistent-socket-dir";
    await expect(openPostgresCatalogStore(url, { host: "a" })).rejects.toThrow(
      /cannot use the shared catalog postgres:\/\/ckpt:\*\*\*@localhost:1/,
    );
  });
});
