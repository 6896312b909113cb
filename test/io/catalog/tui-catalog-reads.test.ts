import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { applyCatalogChanges } from "../../../src/io/catalog/catalog-writes.ts";
import { openTuiCatalogReader } from "../../../src/io/catalog/tui-catalog-reads.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { sampleEntry, TEST_NOW, writeCatalog } from "../../helpers/tui-catalog.ts";

const A1 = "/runs/a/checkpoints/epoch=1.ckpt";
const A2 = "/runs/a/checkpoints/epoch=2.ckpt";
const B1 = "/runs/b/checkpoints/epoch=1.ckpt";
const C1 = "/runs/c/checkpoints/epoch=1.ckpt";

function renameInCatalog(path: string, move: { from: string; to: string }): void {
  const database = openCatalogForWriting(path, { now: () => TEST_NOW });
  try {
    const file = { ...sampleEntry("b", "x"), path: move.to, sidecar_present: true };
    applyCatalogChanges(database, { renames: [{ from: move.from, file, metadata: null }], now: TEST_NOW });
  } finally {
    database.close();
  }
}

describe("tui catalog reader: reading only what changed", () => {
  test("after adds, re-indexing, removals and renames it returns what a full read returns", () => {
    using dir = makeTempDir("tui-reads-delta");
    const path = join(dir.path, "catalog.db");
    writeCatalog(path, {
      entries: [
        sampleEntry("a", "epoch=1.ckpt"),
        sampleEntry("a", "epoch=2.ckpt"),
        sampleEntry("b", "epoch=1.ckpt"),
      ],
    });
    const reader = openTuiCatalogReader({ path, roots: [] });
    const first = reader.readChanges();
    expect(first.entries.map((entry) => entry.path)).toEqual([A1, A2, B1]);
    expect(first.added).toEqual([]);

    writeCatalog(path, {
      entries: [
        sampleEntry("c", "epoch=1.ckpt"),
        sampleEntry("a", "epoch=1.ckpt", {
          indexed_at: TEST_NOW,
          primary_metric: { name: "hmean", value: 0.5, higher_is_better: true },
        }),
      ],
      removed: [B1],
    });
    const second = reader.readChanges();
    expect(second.entries).toEqual(reader.readEntries());
    expect(second.entries.map((entry) => entry.path)).toEqual([A1, A2, C1]);
    expect(second.entries[0]?.primary_metric?.value).toBe(0.5);
    expect(second.entries[1] === first.entries[1]).toBe(true);
    expect(second.added).toEqual([C1]);

    renameInCatalog(path, { from: A2, to: "/runs/a/checkpoints/renamed.ckpt" });
    const third = reader.readChanges();
    expect(third.entries).toEqual(reader.readEntries());
    expect(third.added).toEqual(["/runs/a/checkpoints/renamed.ckpt"]);
    expect(reader.readChanges()).toEqual({ entries: third.entries, added: [] });
    reader.close();
  });

  test("a catalog that appears later is read in full, its rows reported as new", () => {
    using dir = makeTempDir("tui-reads-late");
    const path = join(dir.path, "catalog.db");
    const reader = openTuiCatalogReader({ path, roots: [] });
    expect(reader.readChanges()).toEqual({ entries: [], added: [] });
    writeCatalog(path, { entries: [sampleEntry("a", "epoch=1.ckpt")] });
    expect(reader.readChanges().added).toEqual([A1]);
    reader.close();
  });
});

describe("tui catalog reader: curves", () => {
  test("a per-epoch run is drawn over epochs: the primary metric and the task's validation loss", () => {
    using dir = makeTempDir("tui-reads-curves");
    const path = join(dir.path, "catalog.db");
    const entry = sampleEntry("yolo", "weights/epoch2.pt", {
      task: "object-detection",
      epoch: 2,
      global_step: null,
      primary_metric: { name: "metrics/mAP50(B)", value: 0.3, higher_is_better: true },
    });
    const perEpoch = (name: string, values: number[]) =>
      values.map((value, epoch) => ({ name, step: null, epoch, value }));
    const run = {
      dir: "/runs/yolo",
      exp_name: "yolo",
      task: "object-detection",
      config_path: null,
      wandb_run_id: null,
    };
    const points = [
      ...perEpoch("train/box_loss", [3, 2.5, 2]),
      ...perEpoch("metrics/mAP50(B)", [0.1, 0.2, 0.3]),
      ...perEpoch("val/box_loss", [3.5, Number.NaN, 2.9]),
    ];
    writeCatalog(path, { entries: [entry], runs: [{ run, points }] });
    const reader = openTuiCatalogReader({ path, roots: [] });
    const detail = reader.readDetail(entry);
    expect([detail.primaryCurve, detail.lossCurve]).toEqual([
      {
        name: "metrics/mAP50(B)",
        axis: "epoch",
        points: [
          { x: 0, value: 0.1 },
          { x: 1, value: 0.2 },
          { x: 2, value: 0.3 },
        ],
      },
      // The diverged (NaN) epoch draws no dot.
      {
        name: "val/box_loss",
        axis: "epoch",
        points: [
          { x: 0, value: 3.5 },
          { x: 2, value: 2.9 },
        ],
      },
    ]);
    reader.close();
  });
});
