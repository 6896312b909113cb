import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join, resolve } from "node:path";
import { SQL } from "bun";
import {
  claimPrefixRows,
  createPollerElection,
  tryLeadPolling,
} from "../../../src/io/catalog/poller-election.ts";
import { openPostgresCatalogStore } from "../../../src/io/catalog/postgres-catalog-store.ts";
import { postgresPerFile } from "../../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { sampleEntry, stored, TEST_NOW } from "../../helpers/tui-catalog.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

const repoRoot = resolve(import.meta.dir, "../../..");

describe("one poller per key", () => {
  test("one host leads a key; another leads it once it is released; other keys are free", async () => {
    const url = await pg.server.createDatabase("election");
    const [a, b] = await Promise.all([
      openPostgresCatalogStore(url, { host: "a" }),
      openPostgresCatalogStore(url, { host: "b" }),
    ]);
    try {
      const lease = await tryLeadPolling(a.sql, "s3://bucket/runs/");
      expect(lease?.key).toBe("s3://bucket/runs/");
      expect(await tryLeadPolling(b.sql, "s3://bucket/runs/")).toBeNull();
      const other = await tryLeadPolling(b.sql, "s3://bucket/other/");
      expect(other).not.toBeNull();
      await lease?.release();
      const next = await tryLeadPolling(b.sql, "s3://bucket/runs/");
      expect(next).not.toBeNull();
      await Promise.all([next?.release(), other?.release()]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("a host that dies holding a key gives it up", async () => {
    const url = await pg.server.createDatabase("election_death");
    const script = join(repoRoot, "test/io/catalog/hold-poller-lease.ts");
    const holder = Bun.spawn([process.execPath, script, url, "s3://bucket/runs/"], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const store = await openPostgresCatalogStore(url, { host: "b" });
    try {
      const reader = holder.stdout.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toBe("held\n");
      expect(await tryLeadPolling(store.sql, "s3://bucket/runs/")).toBeNull();
      holder.kill("SIGKILL");
      await holder.exited;
      // The server frees a dead session's locks when it sees the connection close: poll for that, with a deadline.
      let taken: Awaited<ReturnType<typeof tryLeadPolling>> = null;
      const deadline = performance.now() + 20_000;
      while (taken === null && performance.now() < deadline)
        taken = await tryLeadPolling(store.sql, "s3://bucket/runs/");
      expect(taken).not.toBeNull();
      await taken?.release();
    } finally {
      holder.kill();
      await store.close();
    }
  });

  test("a held lease says so, whichever sign its key's hash has", async () => {
    const url = await pg.server.createDatabase("election_held");
    const store = await openPostgresCatalogStore(url, { host: "a" });
    const cleanup: (() => Promise<void>)[] = [];
    try {
      const keys = Array.from({ length: 8 }, (_, index) => `s3://bucket/exp${index}`);
      const [{ negative }] =
        await store.sql`SELECT count(*)::int AS negative FROM unnest(${keys}::text[]) AS k WHERE hashtext(k) < 0`;
      expect(negative).toBeGreaterThan(0);
      // Through the daemon's election: each key on a pool of its own, as a held lease keeps its connection.
      const election = createPollerElection({ url, host: "a", shared: store.sql });
      cleanup.push(() => election.close());
      const leases = await Promise.all(keys.map((key) => election.lead(key)));
      expect(await Promise.all(leases.map((lease) => lease?.stillHeld()))).toEqual(keys.map(() => true));
      await Promise.all(leases.map((lease) => lease?.release()));
      expect(await Promise.all(leases.map((lease) => lease?.stillHeld()))).toEqual(keys.map(() => false));
    } finally {
      for (const close of cleanup) await close();
      await store.close();
    }
  });

  test("a lease whose session the server ended is no longer held, and the key is free", async () => {
    const url = await pg.server.createDatabase("election_lost");
    const [a, b] = await Promise.all([
      openPostgresCatalogStore(url, { host: "a" }),
      openPostgresCatalogStore(url, { host: "b" }),
    ]);
    try {
      const lease = await tryLeadPolling(a.sql, "s3://bucket/lost/");
      expect(await lease?.stillHeld()).toBe(true);
      // An administrator (or a restart) ends every other session: the lock goes with the lease's.
      await b.sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
      expect(await lease?.stillHeld()).toBe(false);
      const next = await tryLeadPolling(b.sql, "s3://bucket/lost/");
      expect(await next?.stillHeld()).toBe(true);
      await Promise.all([lease?.release(), next?.release()]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("claiming a prefix takes other hosts' rows under it, and only those", async () => {
    const url = await pg.server.createDatabase("election_claim");
    const hosts = await Promise.all(["a", "b"].map((host) => openPostgresCatalogStore(url, { host })));
    const [a, b] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
    const at = (path: string) => stored({ ...sampleEntry("r", "x.pt"), path, run_dir: null });
    try {
      await a.applyChanges({
        upserts: [at("s3://bucket/runs/x.pt"), at("s3://bucket/runs2/y.pt"), at("/data/runs/z.pt")],
        now: TEST_NOW,
      });
      await b.applyChanges({ upserts: [at("s3://bucket/runs/w.pt")], now: TEST_NOW });
      expect(await claimPrefixRows(b.sql, { host: "b", prefix: "s3://bucket/runs" })).toBe(1);
      const check = new SQL(url, { max: 1 });
      const rows = await check`SELECT host, path FROM checkpoints ORDER BY path`.values();
      await check.close();
      expect(rows).toEqual([
        ["a", "/data/runs/z.pt"],
        ["b", "s3://bucket/runs/w.pt"],
        ["a", "s3://bucket/runs2/y.pt"],
      ]);
    } finally {
      await Promise.all(hosts.map((host) => host.close()));
    }
  });
});
