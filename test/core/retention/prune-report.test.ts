import { describe, expect, test } from "bun:test";
import { type PruneRow, renderPrunePlan, writePrunePlan } from "../../../src/core/retention/prune-report.ts";

const row = (path: string, action: PruneRow["action"], reason: string, bytes = 0): PruneRow => ({
  path,
  run: "/runs/a",
  action,
  reason,
  bytes,
});

describe("renderPrunePlan", () => {
  test("names under the run relative to it, others as shown; names and reasons from disk escaped", () => {
    const text = renderPrunePlan(
      [
        row("/runs/a/ck\u001b[2Jpt/x.ckpt", "delete", "newest 2 of 2", 2048),
        row("/runs/a/last.ckpt", "keep", "link to e\u0007vil.ckpt"),
        row("/elsewhere/b.ckpt", "keep", "latest"),
      ],
      { show: (path) => `<${path}>`, executed: false },
    );
    expect(text.split("\n")).toEqual([
      "run </runs/a>: 2 kept, 1 to delete, 2.0 KB freed",
      "  delete  ck\\x1b[2Jpt/x.ckpt   newest 2 of 2",
      "  keep    last.ckpt            link to e\\x07vil.ckpt",
      "  keep    </elsewhere/b.ckpt>  latest",
      "total: 1 of 3 checkpoints to delete, 2.0 KB to free",
      "",
    ]);
  });

  test("written in chunks of whole lines that together are the plan's text", () => {
    const rows = Array.from({ length: 5000 }, (_, at) =>
      row(`/runs/a/step-${at}.ckpt`, at % 3 === 0 ? "keep" : "delete", `newest ${at + 1} of 5000`, 10),
    );
    const options = { show: (path: string) => path, executed: false };
    const chunks: string[] = [];
    writePrunePlan(rows, { ...options, write: (chunk) => chunks.push(chunk) });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.filter((chunk) => !chunk.endsWith("\n"))).toEqual([]);
    expect(chunks.join("")).toEqual(renderPrunePlan(rows, options));
    expect(chunks.join("").split("\n").length).toBe(5000 + 3);
  });
});
