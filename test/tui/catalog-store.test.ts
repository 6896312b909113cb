import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openTuiCatalogReader } from "../../src/io/catalog/tui-catalog-reads.ts";
import { createCatalogStore } from "../../src/tui/catalog-store.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { sampleEntry, TEST_NOW, writeCatalog } from "../helpers/tui-catalog.ts";

const noTimers = { setInterval: () => null, clearInterval: () => {} };

function storeOn(path: string, clock: { now: number }) {
  const reader = openTuiCatalogReader({ path, roots: [] });
  const store = createCatalogStore({
    reader,
    now: () => clock.now,
    pollMs: 250,
    timers: noTimers,
    status: { daemon: "read-only", catalogPath: path, lastEvent: null },
  });
  return { reader, store };
}

describe("catalog store", () => {
  test("publishes one snapshot per catalog change and none when nothing changed", () => {
    using dir = makeTempDir("tui-store");
    const path = join(dir.path, "catalog.db");
    writeCatalog(path, { entries: [sampleEntry("a", "epoch=1.ckpt")] });
    const clock = { now: TEST_NOW };
    const { reader, store } = storeOn(path, clock);
    let notified = 0;
    store.subscribe(() => notified++);

    expect(store.poll()).toBe(true);
    const first = store.getSnapshot();
    expect(first.entries.map((entry) => entry.path)).toEqual(["/runs/a/checkpoints/epoch=1.ckpt"]);
    expect(first.arrivals.size).toBe(0);

    clock.now += 1000;
    expect(store.poll()).toBe(false);
    expect(store.getSnapshot()).toBe(first);

    writeCatalog(path, { entries: [sampleEntry("a", "epoch=2.ckpt")] });
    clock.now += 1000;
    expect(store.poll()).toBe(true);
    const second = store.getSnapshot();
    expect(second.entries.map((entry) => entry.path)).toEqual([
      "/runs/a/checkpoints/epoch=1.ckpt",
      "/runs/a/checkpoints/epoch=2.ckpt",
    ]);
    expect([...second.arrivals]).toEqual([["/runs/a/checkpoints/epoch=2.ckpt", clock.now]]);
    expect(notified).toBe(2);
    reader.close();
  });

  test("publishes at most once per poll interval, however often the catalog changes", () => {
    using dir = makeTempDir("tui-store-batch");
    const path = join(dir.path, "catalog.db");
    writeCatalog(path, { entries: [sampleEntry("a", "epoch=1.ckpt")] });
    const clock = { now: TEST_NOW };
    const { reader, store } = storeOn(path, clock);
    store.poll();
    writeCatalog(path, { entries: [sampleEntry("a", "epoch=2.ckpt")] });
    clock.now += 100;
    expect(store.poll()).toBe(false);
    clock.now += 150;
    expect(store.poll()).toBe(true);
    expect(store.getSnapshot().entries).toHaveLength(2);
    reader.close();
  });

  test("with publishMs, a stream of changes publishes at most once per publishMs", () => {
    using dir = makeTempDir("tui-store-publish");
    const path = join(dir.path, "catalog.db");
    writeCatalog(path, { entries: [sampleEntry("a", "epoch=1.ckpt")] });
    const clock = { now: TEST_NOW };
    const reader = openTuiCatalogReader({ path, roots: [] });
    const store = createCatalogStore({
      reader,
      now: () => clock.now,
      pollMs: 250,
      publishMs: 1000,
      timers: noTimers,
      status: { daemon: "read-only", catalogPath: path, lastEvent: null },
    });
    expect(store.poll()).toBe(true);
    const published: boolean[] = [];
    for (const epoch of [2, 3, 4, 5]) {
      writeCatalog(path, { entries: [sampleEntry("a", `epoch=${epoch}.ckpt`)] });
      clock.now += 250;
      published.push(store.poll());
    }
    expect(published).toEqual([false, false, false, true]);
    expect(store.getSnapshot().entries).toHaveLength(5);
    expect(store.getSnapshot().arrivals.size).toBe(4);
    reader.close();
  });

  test("waits for a catalog that does not exist yet, then reads it", () => {
    using dir = makeTempDir("tui-store-missing");
    const path = join(dir.path, "catalog.db");
    const clock = { now: TEST_NOW };
    const { reader, store } = storeOn(path, clock);
    expect(store.poll()).toBe(true);
    expect(store.getSnapshot()).toMatchObject({ loaded: true, entries: [], error: null });
    clock.now += 1000;
    expect(store.poll()).toBe(false);
    writeCatalog(path, { entries: [sampleEntry("a", "epoch=1.ckpt")] });
    clock.now += 1000;
    expect(store.poll()).toBe(true);
    expect(store.getSnapshot().entries).toHaveLength(1);
    reader.close();
  });

  test("status changes publish a snapshot that keeps the entries", () => {
    using dir = makeTempDir("tui-store-status");
    const path = join(dir.path, "catalog.db");
    writeCatalog(path, { entries: [sampleEntry("a", "epoch=1.ckpt")] });
    const { reader, store } = storeOn(path, { now: TEST_NOW });
    store.poll();
    const before = store.getSnapshot();
    store.setStatus({ lastEvent: "scan: 1 added" });
    expect(store.getSnapshot().entries).toBe(before.entries);
    expect(store.getSnapshot().status.lastEvent).toBe("scan: 1 added");
    reader.close();
  });
});
