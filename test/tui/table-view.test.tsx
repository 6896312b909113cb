import { describe, expect, test } from "bun:test";
import { renderToString } from "ink";
import type { CatalogEntry } from "../../src/core/catalog/catalog-entry.ts";
import type { StalledRun } from "../../src/core/health/disk-health.ts";
import { tableLayouts } from "../../src/tui/table-layouts.ts";
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
    stalled?: ReadonlyMap<string, StalledRun>;
  } = {},
) {
  const groups = groupRuns(ENTRIES);
  const table = buildTableRows(groups, {
    filter: options.filter ?? "",
    sort: { column: options.sort ?? "checkpoint", descending: options.descending ?? false },
    collapsed: new Set(),
  });
  const layouts = tableLayouts(groups, { width: WIDTH, ascii: options.ascii ?? false });
  const view = (
    <TableView
      rows={table.rows}
      top={0}
      height={10}
      cursor={1}
      layouts={layouts}
      sort={{ column: options.sort ?? "checkpoint", descending: options.descending ?? false }}
      marked={options.marked ?? []}
      flashing={new Set()}
      stalled={options.stalled ?? new Map()}
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
        " ▾ dbnet_a  /runs/dbnet_a  3 checkpoints, 432 KB  best hmean 88.00%",
        "›  ✓ dbnet       1     100   81.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=1-step=100.ckpt",
        "  ★✓ dbnet       2     200   88.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=2-step=200.ckpt",
        "   ○ dbnet       3     300   86.00%      79.00%   99.00%    144 KB    5m  checkpoints/last.ckpt",
        " ▾ dbnet_b  /runs/dbnet_b  2 checkpoints, 2.5 MB  best hmean 90.00%",
        "  ★✓ dbnet       1      50   90.00%      79.00%   99.00%    2.4 MB    5m  …ints/epoch=1-step=50.ckpt",
        "   ⚠ dbnet       0       0   50.00%      79.00%   99.00%    144 KB    5m  checkpoints/evil.ckpt",
        "",
        "",
        "",
      ].join("\n"),
    );
  });

  test("a stalled run is marked on its header row, with what it was judged by", () => {
    const stalled = new Map<string, StalledRun>([
      [
        "/runs/dbnet_a",
        {
          run: "/runs/dbnet_a",
          reason: "overdue",
          since_last_seconds: 4200,
          expected_interval_seconds: 1800,
          intervals: 3,
          path: null,
        },
      ],
      [
        "/runs/dbnet_b",
        {
          run: "/runs/dbnet_b",
          reason: "incomplete",
          since_last_seconds: 7200,
          expected_interval_seconds: null,
          intervals: null,
          path: "/runs/dbnet_b/checkpoints/evil.ckpt",
        },
      ],
    ]);
    const lines = render({ stalled }).split("\n");
    expect([lines[1], lines[5]]).toEqual([
      // Cut at the 100-column edge: the mark comes before the directory so that it is the last thing cut.
      " ▾ dbnet_a  STALLED: no checkpoint for 1h 10m (saved every 30m 0s)  /runs/dbnet_a  3 checkpoints, 4…",
      " ▾ dbnet_b  STALLED: newest checkpoint incomplete for 2h 0m  /runs/dbnet_b  2 checkpoints, 2.5 MB  …",
    ]);
  });

  test("a filter keeps matching rows, and a metric sort puts the best first with ▼ in the header", () => {
    expect(render({ sort: "metric", descending: true, filter: "dbnet_b|step=2" })).toBe(
      [
        "     arch    epoch    step  h-mean▼   precision   recall      size   age  checkpoint",
        " ▾ dbnet_b  /runs/dbnet_b  2 checkpoints, 2.5 MB  best hmean 90.00%",
        "› ★✓ dbnet       1      50   90.00%      79.00%   99.00%    2.4 MB    5m  …ints/epoch=1-step=50.ckpt",
        "   ⚠ dbnet       0       0   50.00%      79.00%   99.00%    144 KB    5m  checkpoints/evil.ckpt",
        " ▾ dbnet_a  /runs/dbnet_a  1/3 checkpoints, 432 KB  best hmean 88.00%",
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
        " v dbnet_a  /runs/dbnet_a  3 checkpoints, 432 KB  best hmean 88.00%",
        ">  o dbnet       1     100   81.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=1-step=100.ckpt",
        "  *o dbnet       2     200   88.00%      79.00%   99.00%    144 KB    5m  …nts/epoch=2-step=200.ckpt",
        " + - dbnet       3     300   86.00%      79.00%   99.00%    144 KB    5m  checkpoints/last.ckpt",
        " v dbnet_b  /runs/dbnet_b  2 checkpoints, 2.5 MB  best hmean 90.00%",
        "  *o dbnet       1      50   90.00%      79.00%   99.00%    2.4 MB    5m  …ints/epoch=1-step=50.ckpt",
        "   ! dbnet       0       0   50.00%      79.00%   99.00%    144 KB    5m  checkpoints/evil.ckpt",
        "",
        "",
        "",
      ].join("\n"),
    );
  });

  // Names longer than the old fixed caps (experiment 16, arch 12); one row of `shared` names another experiment.
  const LONG = [
    sampleEntry("dbnet_r18_dev_cleval", "dbnet-epoch04-hmean0.9811.ckpt", {
      architecture: "dbnet_resnet18_unet",
    }),
    sampleEntry("dbnet_r18_dev_cleval", "last.ckpt", { architecture: "dbnet_resnet18_unet" }),
    sampleEntry("shared", "epoch=1-step=100.ckpt"),
    sampleEntry("shared", "finetune/epoch=3-step=300-val_hmean=0.9123.ckpt", {
      exp_name: "shared-finetune-from-imagenet-22k",
    }),
  ];
  const renderLong = (width: number) => {
    const groups = groupRuns(LONG);
    const sort = { column: "checkpoint", descending: false } as const;
    const table = buildTableRows(groups, { filter: "", sort, collapsed: new Set() });
    const layouts = tableLayouts(groups, { width, ascii: false });
    const view = (
      <TableView
        rows={table.rows}
        top={0}
        height={6}
        cursor={1}
        layouts={layouts}
        sort={sort}
        marked={[]}
        flashing={new Set()}
        stalled={new Map()}
        now={TEST_NOW}
        displayPath={(path) => path}
      />
    );
    return stripAnsi(renderToString(view, { columns: width }));
  };

  test("at 200 columns nothing is cut, and a row names its experiment only when its run header does not", () => {
    expect(renderLong(200)).toBe(
      [
        "     experiment                         arch                  epoch    step   h-mean   precision   recall   val loss      size   age  checkpoint▲",
        " ▾ dbnet_r18_dev_cleval  /runs/dbnet_r18_dev_cleval  2 checkpoints, 288 KB  best hmean 80.00%",
        "› ★✓                                    dbnet_resnet18_unet       1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  checkpoints/dbnet-epoch04-hmean0.9811.ckpt",
        "   ✓                                    dbnet_resnet18_unet       1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  checkpoints/last.ckpt",
        " ▾ shared  /runs/shared  2 checkpoints, 288 KB  best hmean 80.00%",
        "  ★✓                                    dbnet                     1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  checkpoints/epoch=1-step=100.ckpt",
        "   ✓ shared-finetune-from-imagenet-22k  dbnet                     1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  checkpoints/finetune/epoch=3-step=300-val_hmean=0.9123.ckpt",
      ].join("\n"),
    );
  });

  test("when the names do not fit, the text columns and the name share the room by need", () => {
    expect(renderLong(140)).toBe(
      [
        "     experiment         arch           epoch    step   h-mean   precision   recall   val loss      size   age  checkpoint▲",
        " ▾ dbnet_r18_dev_cleval  /runs/dbnet_r18_dev_cleval  2 checkpoints, 288 KB  best hmean 80.00%",
        "› ★✓                    dbnet_resne…       1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  …net-epoch04-hmean0.9811.ckpt",
        "   ✓                    dbnet_resne…       1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  checkpoints/last.ckpt",
        " ▾ shared  /runs/shared  2 checkpoints, 288 KB  best hmean 80.00%",
        "  ★✓                    dbnet              1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  …points/epoch=1-step=100.ckpt",
        "   ✓ shared-finetune-…  dbnet              1     100   80.00%      79.00%   99.00%     0.7800    144 KB    5m  …ep=300-val_hmean=0.9123.ckpt",
      ].join("\n"),
    );
  });
});
