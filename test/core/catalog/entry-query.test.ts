import { describe, expect, test } from "bun:test";
import {
  matchesFilter,
  parseEntryFilter,
  parseSortSpec,
  type SortSpec,
} from "../../../src/core/catalog/entry-query.ts";
import { buildEntrySql } from "../../../src/core/catalog/entry-sql.ts";
import type { Result } from "../../../src/core/result.ts";
import type { UnknownName } from "../../../src/core/suggestions/nearest-names.ts";

describe("parseSortSpec", () => {
  const logged = ["val/hmean", "lr-AdamW"];
  const cases: [string, Result<SortSpec, UnknownName>][] = [
    ["epoch", { success: true, data: { key: { kind: "field", field: "epoch" }, descending: false } }],
    ["-mtime", { success: true, data: { key: { kind: "field", field: "mtime" }, descending: true } }],
    ["Step", { success: true, data: { key: { kind: "field", field: "step" }, descending: false } }],
    [
      "-val/hmean",
      {
        success: true,
        data: {
          key: { kind: "metric", name: "val/hmean", canonical: "hmean", spellings: ["val/hmean"] },
          descending: true,
        },
      },
    ],
    [
      "mAP50",
      {
        success: true,
        data: {
          key: { kind: "metric", name: "mAP50", canonical: "mAP50", spellings: [] },
          descending: false,
        },
      },
    ],
    [
      "lr-adamw",
      {
        success: true,
        data: {
          key: { kind: "metric", name: "lr-adamw", canonical: "lr-AdamW", spellings: ["lr-AdamW"] },
          descending: false,
        },
      },
    ],
    ["primary", { success: true, data: { key: { kind: "primary" }, descending: false } }],
    ["-hmaen", { success: false, error: { typed: "-hmaen", suggestions: ["-hmean"] } }],
    ["epohc", { success: false, error: { typed: "epohc", suggestions: ["epoch"] } }],
    ["qqq", { success: false, error: { typed: "qqq", suggestions: [] } }],
    ["-", { success: false, error: { typed: "-", suggestions: [] } }],
  ];
  for (const [text, expected] of cases) {
    test(text, () => expect(parseSortSpec(text, logged)).toEqual(expected));
  }
});

describe("filters", () => {
  const entry = {
    path: "/runs/DBNet/a.ckpt",
    exp_name: "dbnet_r50",
    architecture: "dbnet",
    framework: "lightning",
    status: "ok" as const,
  };
  const cases: [string, boolean][] = [
    ["dbnet", true],
    ["DBNet", true],
    ["DBNET", false],
    ["lightning", true],
    ["/r50$/m", true],
    ["/^timm/", false],
    ["corrupt", false],
  ];
  for (const [text, expected] of cases) {
    test(text, () => {
      const filter = parseEntryFilter(text);
      if (!filter.success) throw new Error(filter.error);
      expect(matchesFilter(entry, filter.data)).toBe(expected);
    });
  }
  test("bad regex is an error", () => expect(parseEntryFilter("/(/").success).toBe(false));
});

describe("buildEntrySql", () => {
  test("roots, substring filter, descending metric sort and limit become one parameterised query", () => {
    const sort = parseSortSpec("-hmean", []);
    const filter = parseEntryFilter("dbnet");
    if (!sort.success || !filter.success) throw new Error("parse");
    const query = buildEntrySql({ roots: ["/runs/"], sort: sort.data, filter: filter.data, limit: 5 });
    expect(query.sql).toContain("alias_of IS NULL AND ((path = ? OR (path >= ? AND path < ?)))");
    expect(query.sql).toEndWith("DESC, path LIMIT ?");
    expect(query.params).toEqual([
      "/runs",
      "/runs/",
      "/runs0",
      "dbnet",
      ...["hmean", "hmean", '$."hmean"', '$.additional_metrics."hmean"'],
      ...["hmean", "hmean", '$."hmean"', '$.additional_metrics."hmean"'],
      5,
    ]);
  });
  test("a canonical metric is read from its logged spellings too, winner first", () => {
    const sort = parseSortSpec("mAP50-95", ["metrics/mAP50-95(B)", "val/mAP50-95"]);
    if (!sort.success) throw new Error("parse");
    const query = buildEntrySql({ roots: [], sort: sort.data });
    expect(query.params).toEqual([
      ...["mAP50-95", "mAP50-95", '$."mAP50-95"', '$.additional_metrics."mAP50-95"'],
      ...['$.additional_metrics."metrics/mAP50-95(B)"', '$.additional_metrics."val/mAP50-95"'],
      ...["mAP50-95", "mAP50-95", '$."mAP50-95"', '$.additional_metrics."mAP50-95"'],
      ...['$.additional_metrics."metrics/mAP50-95(B)"', '$.additional_metrics."val/mAP50-95"'],
    ]);
  });
  test("a modification window becomes mtime bounds", () => {
    const query = buildEntrySql({ roots: [], modified: { since: 1000, until: 2000 } });
    expect(query.sql).toContain("WHERE alias_of IS NULL AND mtime_ms >= ? AND mtime_ms < ? ORDER BY path");
    expect(query.params).toEqual([1000, 2000]);
  });
});
