import { describe, expect, test } from "bun:test";
import type { CatalogEntry } from "../../../src/core/catalog/catalog-entry.ts";
import { defaultLsColumns, namedLsColumns } from "../../../src/core/catalog/ls-columns.ts";
import { renderLsTable } from "../../../src/core/catalog/ls-table.ts";
import { textWidth } from "../../../src/core/text/fit-text.ts";

const now = Date.UTC(2026, 11, 7);

function entry(exp: string, path: string, hmean: number): CatalogEntry {
  return {
    path,
    kind: "file",
    dev: 1,
    ino: 1,
    size: 153_897,
    mtime_ms: now - 3_600_000,
    alias_of: null,
    status: "ok",
    run_dir: null,
    exp_name: exp,
    task: "text-detection",
    framework: "lightning",
    architecture: "dbnet",
    encoder: "resnet18",
    epoch: 4,
    global_step: 40,
    created_at: null,
    primary_metric: { name: "val/hmean", value: hmean, higher_is_better: true },
    metrics: { precision: null, recall: null, hmean, validation_loss: null, additional_metrics: {} },
    sidecar: "valid",
    safety: "safe",
    problem: null,
    indexed_at: now,
  };
}

const entries = [
  entry(
    "dbnet_r18_dev_cleval",
    "runs/lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch04-hmean0.9811.ckpt",
    0.9811,
  ),
  entry(
    "dbnet_r18_dev_full",
    "runs/lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/last.ckpt",
    0.8819,
  ),
];
const context = { now, displayPath: (path: string) => path };

function widths(table: string): number[] {
  return table.trimEnd().split("\n").map(textWidth);
}

describe("renderLsTable", () => {
  test("without a width every cell is whole", () => {
    expect(renderLsTable(entries, defaultLsColumns(entries, context))).toBe(
      [
        "experiment            arch   epoch  step  h-mean    size  age  status  path",
        "dbnet_r18_dev_cleval  dbnet      4    40  98.11%  154 KB   1h  ok      runs/lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch04-hmean0.9811.ckpt",
        "dbnet_r18_dev_full    dbnet      4    40  88.19%  154 KB   1h  ok      runs/lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/last.ckpt",
        "",
      ].join("\n"),
    );
  });

  test("at 100 columns the path loses middle directories and the experiment its middle; file names stay whole", () => {
    expect(renderLsTable(entries, defaultLsColumns(entries, context), { maxWidth: 100 })).toBe(
      [
        "experiment         arch   epoch  step  h-mean    size  age  status  path",
        "dbnet_r1…v_cleval  dbnet      4    40  98.11%  154 KB   1h  ok      …/dbnet-epoch04-hmean0.9811.ckpt",
        "dbnet_r1…dev_full  dbnet      4    40  88.19%  154 KB   1h  ok      runs/…/checkpoints/last.ckpt",
        "",
      ].join("\n"),
    );
  });

  test("at 140 columns only the path is shortened", () => {
    const table = renderLsTable(entries, defaultLsColumns(entries, context), { maxWidth: 140 });
    expect(table.split("\n")[1]).toBe(
      "dbnet_r18_dev_cleval  dbnet      4    40  98.11%  154 KB   1h  ok      runs/…/2026-11-22/14-52-56/checkpoints/dbnet-epoch04-hmean0.9811.ckpt",
    );
  });

  test.each([70, 80, 90, 100, 120, 140])("at %i columns nothing is wider than the terminal", (maxWidth) => {
    const table = renderLsTable(entries, defaultLsColumns(entries, context), { maxWidth });
    expect(Math.max(...widths(table))).toBeLessThanOrEqual(maxWidth);
    expect(table).toContain("98.11%");
  });

  test("at 75 columns age, step, size and arch are left out before a file name is cut", () => {
    const table = renderLsTable(entries, defaultLsColumns(entries, context), { maxWidth: 75 });
    expect(table.split("\n")).toEqual([
      "experiment          epoch  h-mean  status  path",
      "dbnet_r18…v_cleval      4  98.11%  ok      …/dbnet-epoch04-hmean0.9811.ckpt",
      "dbnet_r18_dev_full      4  88.19%  ok      runs/…/checkpoints/last.ckpt",
      "",
    ]);
  });

  test("narrower still, the longest file name loses its start (at 60 even that wraps)", () => {
    const table = renderLsTable(entries, defaultLsColumns(entries, context), { maxWidth: 60 });
    expect(table.split("\n")[1]).toBe("dbnet_r…cleval      4  98.11%  ok      …poch04-hmean0.9811.ckpt");
  });

  test("columns the user named are never left out, only narrowed", () => {
    const columns = namedLsColumns(["age", "size", "path"], context);
    const table = renderLsTable(entries, columns, { maxWidth: 30 });
    expect(table.split("\n")).toEqual([
      "age    size  path",
      " 1h  154 KB  …poch04-hmean0.9811.ckpt",
      " 1h  154 KB  runs/…/last.ckpt",
      "",
    ]);
  });
});
