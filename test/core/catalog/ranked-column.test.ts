import { describe, expect, test } from "bun:test";
import type { LsColumn } from "../../../src/core/catalog/ls-columns.ts";
import { type RankedBy, sharedRanking, withRankedColumn } from "../../../src/core/catalog/ranked-column.ts";

const column = (id: string, header = id): LsColumn => ({ id, header, align: "left", cell: () => "" });
const shape = (columns: readonly LsColumn[]) => columns.map((c) => `${c.id}:${c.header}`);

describe("withRankedColumn", () => {
  const lossDown: RankedBy = { name: "validation_loss", higher_is_better: false };
  const cases: [string, LsColumn[], RankedBy, string[]][] = [
    [
      "replaces the primary's slot, other metrics stay",
      [column("experiment"), column("step"), column("hmean", "h-mean"), column("precision"), column("path")],
      lossDown,
      [
        "experiment:experiment",
        "step:step",
        "validation_loss:val loss ↓",
        "hmean:h-mean",
        "precision:precision",
        "path:path",
      ],
    ],
    [
      "moves an existing column of the metric forward and marks it",
      [column("step"), column("hmean", "h-mean"), column("validation_loss", "val loss"), column("path")],
      lossDown,
      ["step:step", "validation_loss:val loss ↓", "hmean:h-mean", "path:path"],
    ],
    [
      "the mixed-primary metric column gives way",
      [column("epoch"), column("step"), column("metric"), column("size")],
      { name: "hmean", higher_is_better: true },
      ["epoch:epoch", "step:step", "hmean:h-mean ↑", "size:size"],
    ],
  ];
  for (const [name, columns, ranked, expected] of cases) {
    test(name, () => {
      const header = ranked.name === "hmean" ? "h-mean" : "val loss";
      expect(shape(withRankedColumn(columns, { ranked, ranking: column(ranked.name, header) }))).toEqual(
        expected,
      );
    });
  }
});

describe("sharedRanking", () => {
  const ranks: Record<string, RankedBy> = {
    a: { name: "hmean", higher_is_better: true },
    b: { name: "hmean", higher_is_better: true },
    c: { name: "validation_loss", higher_is_better: false },
  };
  const rankedBy = (path: string) => ranks[path] ?? null;
  const cases: [string[], RankedBy | null][] = [
    [["a", "b"], { name: "hmean", higher_is_better: true }],
    [["a", "c"], null],
    [["a", "x"], null],
    [[], null],
  ];
  for (const [paths, expected] of cases) {
    test(paths.join(",") || "(none)", () => expect(sharedRanking(paths, rankedBy)).toEqual(expected));
  }
});
