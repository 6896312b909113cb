// The behaviour every `CatalogStore` must have, run against the local SQLite catalog and a real PostgreSQL.
import { expect, test } from "bun:test";
import { aliasKey } from "../../../src/core/catalog/alias-key.ts";
import type { CatalogStore } from "../../../src/io/catalog/catalog-store.ts";
import { sampleEntry, stored, TEST_NOW } from "../../helpers/tui-catalog.ts";
import { waitFor } from "../../helpers/wait-for.ts";

export type StoreFactory = {
  /** A store over a fresh, empty catalog, writing as `host`. */
  open(host: string): Promise<CatalogStore>;
  /** A second connection to the same catalog (another process's view), writing as `host`. */
  reopen(host: string): Promise<CatalogStore>;
};

const HOST = "gpu-1";

function rows() {
  const hmeans = [0.7, 0.9, 0.8];
  const entries = hmeans.map((hmean, index) =>
    sampleEntry(index === 2 ? "beta" : "alpha", `epoch=${index}.ckpt`, {
      epoch: index,
      primary_metric: { name: "hmean", value: hmean, higher_is_better: true },
      metrics: { hmean, precision: 0.5 + index / 10, additional_metrics: { "val/f1": index } },
    }),
  );
  const alias = sampleEntry("alpha", "last.ckpt", {
    alias_of: entries[1]?.path ?? null,
    primary_metric: null,
  });
  return { entries, alias };
}

async function seeded(factory: StoreFactory): Promise<CatalogStore> {
  const store = await factory.open(HOST);
  const { entries, alias } = rows();
  await store.applyChanges({
    upserts: [...entries, alias].map((entry) => stored(entry)),
    runs: [
      {
        run: {
          dir: "/runs/alpha",
          exp_name: "alpha",
          task: "text-detection",
          config_path: null,
          wandb_run_id: null,
        },
        points: [
          { name: "hmean", step: 10, epoch: 0, value: 0.7 },
          { name: "hmean", step: 20, epoch: 1, value: 0.9 },
          { name: "train_loss", step: 10, epoch: 0, value: 1.5 },
        ],
      },
    ],
    now: TEST_NOW,
  });
  return store;
}

/** Registers the contract tests for one implementation. */
export function catalogStoreContract(factory: StoreFactory): void {
  test("lists, sorts, filters and limits entries with their host", async () => {
    const store = await seeded(factory);
    try {
      const best = await store.listEntries({
        roots: [],
        sort: { key: { kind: "primary" }, descending: true },
      });
      // The local catalog's rows are this host's and say no host; a shared catalog's name theirs.
      const hostOf = (entry: { host?: string | undefined }) => entry.host ?? HOST;
      expect(best.map((entry) => [entry.path, hostOf(entry)])).toEqual([
        ["/runs/alpha/checkpoints/epoch=1.ckpt", HOST],
        ["/runs/beta/checkpoints/epoch=2.ckpt", HOST],
        ["/runs/alpha/checkpoints/epoch=0.ckpt", HOST],
      ]);
      const byMetric = await store.listEntries({
        roots: ["/runs/alpha"],
        sort: {
          key: { kind: "metric", name: "val/f1", canonical: "val/f1", spellings: [] },
          descending: true,
        },
        limit: 1,
      });
      expect(byMetric.map((entry) => entry.epoch)).toEqual([1]);
      const filtered = await store.listEntries({
        roots: [],
        filter: { kind: "substring", text: "BETA", caseSensitive: true },
      });
      expect(filtered).toEqual([]);
      const lower = await store.listEntries({
        roots: [],
        filter: { kind: "substring", text: "beta", caseSensitive: false },
      });
      expect(lower.map((entry) => entry.exp_name)).toEqual(["beta"]);
      const regex = await store.listEntries({
        roots: [],
        filter: { kind: "regex", regex: /epoch=[02]/ },
        limit: 1,
      });
      expect(regex.map((entry) => entry.epoch)).toEqual([0]);
      expect(await store.listEntries({ roots: [], hosts: ["elsewhere"] })).toEqual([]);
      expect((await store.listEntries({ roots: [], hosts: [HOST] })).length).toBe(3);
      expect(await store.hosts()).toEqual([HOST]);
    } finally {
      await store.close();
    }
  });

  test("answers counts, aliases, ranking, stats, metric names and points", async () => {
    const store = await seeded(factory);
    try {
      const primary = "/runs/alpha/checkpoints/epoch=1.ckpt";
      expect(await store.countEntries(["/runs/alpha"])).toBe(2);
      const [listed] = await store.listEntries({ roots: [primary] });
      expect(listed?.path).toBe(primary);
      const entries = listed === undefined ? [] : [listed];
      expect(await store.aliasesOf(entries)).toEqual(
        new Map([[aliasKey({ host: listed?.host, path: primary }), ["/runs/alpha/checkpoints/last.ckpt"]]]),
      );
      expect(await store.aliasesOf([{ host: HOST, path: "/runs/beta/checkpoints/epoch=2.ckpt" }])).toEqual(
        new Map(),
      );
      expect((await store.rankRows([])).map((row) => row.primary_value).sort()).toEqual([0.7, 0.8, 0.9]);
      const stats = await store.stats({ roots: [] });
      expect({ ...stats, catalog: "" }).toEqual({
        checkpoints: 3,
        sidecars_valid: 3,
        metadata_coverage_percent: 100,
        by_framework: { lightning: 3 },
        by_status: { ok: 3 },
        runs: 2,
        total_bytes: 432_000,
        last_scan_at: null,
        catalog: "",
      });
      expect(await store.loggedMetricNames()).toEqual(["hmean", "val/f1"]);
      const run = { host: HOST, dir: "/runs/alpha" };
      expect(await store.runMetricNames(run)).toEqual(["hmean", "train_loss"]);
      expect(await store.runMetricPoints(run, ["hmean"])).toEqual([
        { name: "hmean", step: 10, epoch: 0, value: 0.7 },
        { name: "hmean", step: 20, epoch: 1, value: 0.9 },
      ]);
      expect(await store.runMetricNames({ host: "elsewhere", dir: "/runs/alpha" })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  test("deletes a directory's rows with their aliases and records scans", async () => {
    const store = await seeded(factory);
    try {
      const deleted = await store.deletePaths(["/runs/alpha"]);
      expect(deleted).toEqual([{ path: "/runs/alpha", rows: 3, aliases: [] }]);
      expect((await store.listEntries({ roots: [] })).map((entry) => entry.exp_name)).toEqual(["beta"]);
      expect(await store.runMetricNames({ host: HOST, dir: "/runs/alpha" })).toEqual([]);
      await store.recordScan({ at: "2026-11-22T12:00:00.000Z", seconds: 1, roots: ["/runs"] });
      await store.recordScan({ at: "2026-11-22T12:01:00.000Z", seconds: 1, roots: ["/data"] });
      expect(await store.knownRoots()).toEqual(["/data", "/runs"]);
      expect((await store.stats({ roots: [] })).last_scan_at).toBe("2026-11-22T12:01:00.000Z");
    } finally {
      await store.close();
    }
  });

  test("a commit by another connection wakes a subscriber", async () => {
    const reader = await factory.open(HOST);
    const writer = await factory.reopen(HOST);
    let woken = 0;
    const stop = await reader.onChange(() => woken++);
    try {
      await writer.applyChanges({ upserts: [stored(sampleEntry("gamma", "a.ckpt"))], now: TEST_NOW });
      await waitFor(() => woken > 0, { what: "a change notification", timeoutMs: 10_000 });
      expect((await reader.listEntries({ roots: [] })).map((entry) => entry.exp_name)).toEqual(["gamma"]);
    } finally {
      await stop();
      await writer.close();
      await reader.close();
    }
  });
}
