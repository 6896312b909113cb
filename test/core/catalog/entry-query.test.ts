import { describe, expect, test } from "bun:test";
import {
  matchesFilter,
  parseEntryFilter,
  parseSortSpec,
  type SortSpec,
} from "../../../src/core/catalog/entry-query.ts";
import { buildEntrySql } from "../../../src/core/catalog/entry-sql.ts";

describe("parseSortSpec", () => {
  const cases: [string, SortSpec][] = [
    ["epoch", { key: { kind: "field", field: "epoch" }, descending: false }],
    ["-mtime", { key: { kind: "field", field: "mtime" }, descending: true }],
    ["-val/hmean", { key: { kind: "metric", name: "val/hmean", canonical: "hmean" }, descending: true }],
    ["mAP50", { key: { kind: "metric", name: "mAP50", canonical: "mAP50" }, descending: false }],
    ["my_score", { key: { kind: "metric", name: "my_score", canonical: "my_score" }, descending: false }],
    ["primary", { key: { kind: "primary" }, descending: false }],
  ];
  for (const [text, expected] of cases) {
    test(text, () => expect(parseSortSpec(text)).toEqual({ success: true, data: expected }));
  }
  test("empty key is an error", () => expect(parseSortSpec("-").success).toBe(false));
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
    const sort = parseSortSpec("-hmean");
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
});
