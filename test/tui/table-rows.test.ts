import { describe, expect, test } from "bun:test";
import type { CatalogEntry } from "../../src/core/catalog/catalog-entry.ts";
import { type LayoutSampleCache, layoutSample, tableLayout } from "../../src/tui/table-layout.ts";
import { tableLayouts } from "../../src/tui/table-layouts.ts";
import { placeCursor } from "../../src/tui/table-navigation.ts";
import { headerText } from "../../src/tui/table-row-segments.ts";
import { buildTableRows, groupRuns, type TableRowsCache } from "../../src/tui/table-rows.ts";
import type { SortColumn } from "../../src/tui/ui-state.ts";
import { sampleEntry } from "../helpers/tui-catalog.ts";

function entry(run: string, epoch: number, hmean: number | null): CatalogEntry {
  return sampleEntry(run, `epoch=${epoch}.ckpt`, {
    epoch,
    global_step: epoch * 100,
    primary_metric: hmean === null ? null : { name: "hmean", value: hmean, higher_is_better: true },
  });
}

const BEFORE = [
  entry("a", 1, 0.7),
  entry("a", 2, 0.9),
  entry("a", 3, null),
  entry("b", 1, 0.8),
  entry("b", 2, 0.6),
  entry("c", 1, 0.5),
];
const SORTS: readonly { column: SortColumn; descending: boolean }[] = [
  { column: "metric", descending: true },
  { column: "epoch", descending: false },
  { column: "checkpoint", descending: true },
];
const keys = (table: { rows: readonly { key: string }[] }) => table.rows.map((row) => row.key);

describe("table rows, kept across data changes", () => {
  test("a cached build after a data change equals a fresh one, and untouched runs keep their group", () => {
    const cache: TableRowsCache = new WeakMap();
    const first = groupRuns(BEFORE);
    for (const sort of SORTS) buildTableRows(first, { filter: "", sort, collapsed: new Set(), cache });
    const after = [...BEFORE.filter((item) => item.path !== BEFORE[4]?.path), entry("c", 2, 0.95)];
    const second = groupRuns(after, first);
    expect(second[0] === first[0]).toBe(true);
    expect(second[1] === first[1]).toBe(false);
    for (const sort of SORTS) {
      for (const filter of ["", "epoch=1"]) {
        const options = { filter, sort, collapsed: new Set<string>() };
        expect(keys(buildTableRows(second, { ...options, cache }))).toEqual(
          keys(buildTableRows(groupRuns(after), options)),
        );
      }
    }
  });

  test("finds a row by key wherever it moved, and nothing for a key that is gone", () => {
    const table = buildTableRows(groupRuns(BEFORE), {
      filter: "",
      sort: { column: "metric", descending: true },
      collapsed: new Set(),
    });
    for (const [index, row] of table.rows.entries()) {
      expect(table.indexOf(row.key, 0)).toBe(index);
      expect(table.indexOf(row.key, table.rows.length - 1)).toBe(index);
    }
    expect(table.indexOf("/runs/z/checkpoints/epoch=1.ckpt", 3)).toBeUndefined();
  });

  test("the layout from cached per-run samples after a data change equals a fresh one", () => {
    const entries = [
      ...BEFORE,
      sampleEntry("d", "long.ckpt", { exp_name: "a-much-longer-experiment-name", architecture: "fpn" }),
      sampleEntry("e", "other.ckpt", { task: "classification", metrics: null, primary_metric: null }),
    ];
    const cache: LayoutSampleCache = new WeakMap();
    const before = groupRuns(BEFORE);
    tableLayout(layoutSample(before, cache), { width: 120, ascii: false });
    const sampled = tableLayout(layoutSample(groupRuns(entries, before), cache), {
      width: 120,
      ascii: false,
    });
    const fresh = tableLayout(layoutSample(groupRuns(entries)), { width: 120, ascii: false });
    const sort = { column: "metric", descending: true } as const;
    expect(headerText(sampled, sort)).toEqual(headerText(fresh, sort));
    expect(sampled.columns.map((column) => [column.id, column.width])).toEqual(
      fresh.columns.map((column) => [column.id, column.width]),
    );
  });

  // timm logs accuracy in percent (83.33), a detector its hmean as a fraction, a language model a loss (lower is
  // better): by metric, values are compared only within one metric, each in its own direction.
  const MIXED = [
    sampleEntry("timm", "checkpoint-2.pth.tar", {
      primary_metric: { name: "eval_top1", value: 83.33, higher_is_better: true },
    }),
    sampleEntry("timm", "checkpoint-1.pth.tar", {
      primary_metric: { name: "eval_top1", value: 33.33, higher_is_better: true },
    }),
    sampleEntry("det", "good.ckpt", {
      primary_metric: { name: "val/hmean", value: 0.9811, higher_is_better: true },
    }),
    sampleEntry("det", "by-loss.ckpt", {
      primary_metric: { name: "val/loss", value: 0.5, higher_is_better: false },
    }),
    sampleEntry("det", "poor.ckpt", {
      primary_metric: { name: "val/hmean", value: 0.5, higher_is_better: true },
    }),
    sampleEntry("det2", "ok.ckpt", { primary_metric: { name: "hmean", value: 0.9, higher_is_better: true } }),
    sampleEntry("lm", "checkpoint-200", {
      primary_metric: { name: "eval_loss", value: 0.2, higher_is_better: false },
    }),
    sampleEntry("lm", "checkpoint-100", {
      primary_metric: { name: "eval_loss", value: 0.7, higher_is_better: false },
    }),
    sampleEntry("bare", "model.pt", { primary_metric: null, metrics: null }),
  ];
  const names = (descending: boolean) =>
    buildTableRows(groupRuns(MIXED), {
      filter: "",
      sort: { column: "metric", descending },
      collapsed: new Set(),
    }).rows.map((row) =>
      row.kind === "run" ? row.group.label : `  ${row.key.slice(row.key.lastIndexOf("/") + 1)}`,
    );

  test("by metric: runs grouped by metric (most shared first), ranked within it in its direction, unranked last", () => {
    expect(names(true)).toEqual([
      "det",
      "  good.ckpt",
      "  poor.ckpt",
      "  by-loss.ckpt",
      "det2",
      "  ok.ckpt",
      "timm",
      "  checkpoint-2.pth.tar",
      "  checkpoint-1.pth.tar",
      "lm",
      "  checkpoint-200",
      "  checkpoint-100",
      "bare",
      "  model.pt",
    ]);
  });

  test("by metric, reversed: worst first within each metric; the metric groups and the unranked stay in place", () => {
    expect(names(false)).toEqual([
      "det",
      "  poor.ckpt",
      "  good.ckpt",
      "  by-loss.ckpt",
      "det2",
      "  ok.ckpt",
      "timm",
      "  checkpoint-1.pth.tar",
      "  checkpoint-2.pth.tar",
      "lm",
      "  checkpoint-100",
      "  checkpoint-200",
      "bare",
      "  model.pt",
    ]);
  });
});

describe("columns per run group", () => {
  const yolo = (file: string, map50: number) =>
    sampleEntry("yolo", file, {
      task: "object-detection",
      architecture: "yolov8n",
      primary_metric: { name: "metrics/mAP50(B)", value: map50, higher_is_better: true },
      metrics: {
        precision: 0.7,
        recall: 0.6,
        hmean: null,
        validation_loss: null,
        additional_metrics: { "metrics/mAP50(B)": map50, "metrics/mAP50-95(B)": map50 / 2 },
      },
    });
  const MIXED = [entry("dbnet", 1, 0.8), entry("dbnet", 2, 0.9), yolo("best.pt", 0.62), yolo("last.pt", 0.6)];
  const build = (filter: string) =>
    buildTableRows(groupRuns(MIXED), {
      filter,
      sort: { column: "metric", descending: true },
      collapsed: new Set(),
    });

  test("runs of several tasks each head their rows with their own columns; one task shown needs none", () => {
    expect(build("").rows.map((row) => `${row.kind} ${row.key.replace(/^.*\//, "")}`)).toEqual([
      "run dbnet",
      "columns dbnet",
      "entry epoch=2.ckpt",
      "entry epoch=1.ckpt",
      "run yolo",
      "columns yolo",
      "entry best.pt",
      "entry last.pt",
    ]);
    expect(build("yolo").rows.map((row) => row.kind)).toEqual(["run", "entry", "entry"]);
  });

  test("each task's layout has its own metrics; a filter down to one task shows that task's", () => {
    const groups = groupRuns(MIXED);
    const layouts = tableLayouts(groups, { width: 120, ascii: false });
    const header = (run: string) =>
      headerText(layouts.ofRun(`run:/runs/${run}`), { column: "metric", descending: true }).trimEnd();
    expect([header("dbnet"), header("yolo")]).toEqual([
      "     arch    epoch    step  h-mean▼   precision   recall   val loss      size   age  checkpoint",
      "     arch      epoch    step  map@0.5▼   map@.5:.95   precision   recall      size   age  checkpoint",
    ]);
    const onlyYolo = tableLayouts(groups.slice(1), { width: 120, ascii: false });
    expect(headerText(onlyYolo.first, { column: "metric", descending: true }).trimEnd()).toBe(header("yolo"));
  });

  test("the cursor passes over a column row, down and up", () => {
    const rows = build("").rows;
    const view = { top: 0, height: 20 };
    expect(placeCursor(rows, 1, { ...view, from: 0 }).index).toBe(2);
    expect(placeCursor(rows, 5, { ...view, from: 6 }).index).toBe(4);
    expect(placeCursor(rows, 5, { ...view, from: 4 }).index).toBe(6);
  });
});
