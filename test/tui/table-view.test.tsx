import { describe, expect, test } from "bun:test";
import { renderToString } from "ink";
import type { CatalogEntry } from "../../src/core/catalog/catalog-entry.ts";
import { tableLayout } from "../../src/tui/table-layout.ts";
import { buildTableRows, groupRuns } from "../../src/tui/table-rows.ts";
import { TableView } from "../../src/tui/table-view.tsx";
import type { SortColumn } from "../../src/tui/ui-state.ts";
import { sampleEntry, TEST_NOW } from "../helpers/tui-catalog.ts";
import { stripAnsi } from "../helpers/wait-for-frame.ts";

const WIDTH = 100;

function hmean(value: number) {
  return { primary_metric: { name: "hmean", value, higher_is_better: true } };
}

const ENTRIES: CatalogEntry[] = [
  sampleEntry("dbnet_a", "epoch=1-step=100.ckpt", { ...hmean(0.81), epoch: 1, global_step: 100 }),
  sampleEntry("dbnet_a", "epoch=2-step=200.ckpt", { ...hmean(0.88), epoch: 2, global_step: 200 }),
  sampleEntry("dbnet_a", "last.ckpt", { ...hmean(0.86), epoch: 3, global_step: 300, sidecar: "missing" }),
  sampleEntry("dbnet_b", "epoch=1-step=50.ckpt", {
    ...hmean(0.9),
    epoch: 1,
    global_step: 50,
    size: 2_400_000,
  }),
  sampleEntry("dbnet_b", "evil.ckpt", {
    ...hmean(0.5),
    status: "unsafe",
    safety: "unsafe",
    epoch: 0,
    global_step: 0,
  }),
];

function render(
  options: {
    filter?: string;
    sort?: SortColumn;
    descending?: boolean;
    ascii?: boolean;
    marked?: string[];
  } = {},
) {
  const table = buildTableRows(groupRuns(ENTRIES), {
    filter: options.filter ?? "",
    sort: { column: options.sort ?? "checkpoint", descending: options.descending ?? false },
    collapsed: new Set(),
  });
  const layout = tableLayout(ENTRIES, { width: WIDTH, ascii: options.ascii ?? false });
  const view = (
    <TableView
      rows={table.rows}
      top={0}
      height={10}
      cursor={1}
      layout={layout}
      sort={{ column: options.sort ?? "checkpoint", descending: options.descending ?? false }}
      marked={options.marked ?? []}
      flashing={new Set()}
      now={TEST_NOW}
      displayPath={(path) => path}
    />
  );
  return stripAnsi(renderToString(view, { columns: WIDTH }));
}

describe("table view", () => {
  test("groups by run, stars each run's best, shows the task's metrics, a glyph per status and the cursor", () => {
    expect(render()).toBe(
      [
        "     arch    epoch    step   h-mean   precision   recall      size   age  checkpoint▲",
        " ▾ dbnet_a  /runs/dbnet_a  3 checkpoints  best hmean 88.00%",
        "›  ✓ dbnet       1     100   81.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=1-step=100.ckpt",
        "  ★✓ dbnet       2     200   88.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=2-step=200.ckpt",
        "   ○ dbnet       3     300   86.00%      79.00%   99.00%    144 KB    5m  checkpoints/last.ckpt",
        " ▾ dbnet_b  /runs/dbnet_b  2 checkpoints  best hmean 90.00%",
        "  ★✓ dbnet       1      50   90.00%      79.00%   99.00%    2.4 MB    5m  …ints/epoch=1-step=50.ckpt",
        "   ⚠ dbnet       0       0   50.00%      79.00%   99.00%    144 KB    5m  checkpoints/evil.ckpt",
        "",
        "",
        "",
      ].join("\n"),
    );
  });

  test("a filter keeps matching rows, and a metric sort puts the best first with ▼ in the header", () => {
    expect(render({ sort: "metric", descending: true, filter: "dbnet_b|step=2" })).toBe(
      [
        "     arch    epoch    step  h-mean▼   precision   recall      size   age  checkpoint",
        " ▾ dbnet_b  /runs/dbnet_b  2 checkpoints  best hmean 90.00%",
        "› ★✓ dbnet       1      50   90.00%      79.00%   99.00%    2.4 MB    5m  …ints/epoch=1-step=50.ckpt",
        "   ⚠ dbnet       0       0   50.00%      79.00%   99.00%    144 KB    5m  checkpoints/evil.ckpt",
        " ▾ dbnet_a  /runs/dbnet_a  1/3 checkpoints  best hmean 88.00%",
        "  ★✓ dbnet       2     200   88.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=2-step=200.ckpt",
        "",
        "",
        "",
        "",
        "",
      ].join("\n"),
    );
  });

  test("--ascii uses plain marks: > cursor, * best, + marked, o/-/! for status, ^ for the sort", () => {
    expect(render({ ascii: true, marked: ["/runs/dbnet_a/checkpoints/last.ckpt"] })).toBe(
      [
        "     arch    epoch    step   h-mean   precision   recall      size   age  checkpoint^",
        " v dbnet_a  /runs/dbnet_a  3 checkpoints  best hmean 88.00%",
        ">  o dbnet       1     100   81.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=1-step=100.ckpt",
        "  *o dbnet       2     200   88.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=2-step=200.ckpt",
        " + - dbnet       3     300   86.00%      79.00%   99.00%    144 KB    5m  checkpoints/last.ckpt",
        " v dbnet_b  /runs/dbnet_b  2 checkpoints  best hmean 90.00%",
        "  *o dbnet       1      50   90.00%      79.00%   99.00%    2.4 MB    5m  …ints/epoch=1-step=50.ckpt",
        "   ! dbnet       0       0   50.00%      79.00%   99.00%    144 KB    5m  checkpoints/evil.ckpt",
        "",
        "",
        "",
      ].join("\n"),
    );
  });
});
