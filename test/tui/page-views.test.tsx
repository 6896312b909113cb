import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { renderToString } from "ink";
import type { CatalogEntry } from "../../src/core/catalog/catalog-entry.ts";
import type { CheckpointDetail } from "../../src/io/catalog/tui-catalog-reads.ts";
import type { DaemonState } from "../../src/tui/catalog-store.ts";
import { detailLines } from "../../src/tui/detail-lines.ts";
import { helpLines } from "../../src/tui/help-lines.ts";
import { LinesView } from "../../src/tui/lines-view.tsx";
import { EmptyTable, TableTitle } from "../../src/tui/table-screen.tsx";
import { wrapLines } from "../../src/tui/wrap-line.ts";
import { sampleMetadata } from "../helpers/catalog-tree.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { sampleEntry } from "../helpers/tui-catalog.ts";
import { stripAnsi } from "../helpers/wait-for-frame.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const WIDTH = 100;
const show = (node: Parameters<typeof renderToString>[0]) =>
  stripAnsi(renderToString(node, { columns: WIDTH }));

const ENTRY = sampleEntry("dbnet_a", "epoch=2-step=200.ckpt", {
  epoch: 2,
  global_step: 200,
  sidecar: "invalid",
  primary_metric: { name: "hmean", value: 0.88, higher_is_better: true },
});

const DETAIL: CheckpointDetail = {
  metadata: sampleMetadata("checkpoints/epoch=2-step=200.ckpt", {
    exp: "dbnet_a",
    epoch: 2,
    step: 200,
    hmean: 0.88,
    precision: 0.79,
    recall: 0.99,
  }),
  sidecarPath: "/runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml",
  sidecarError: null,
  problems: [
    {
      code: "out-of-range",
      severity: "error",
      path: "metrics.hmean",
      message: "must be between 0 and 1, got 1.2",
      line: 31,
      col: 10,
    },
  ],
  fromSidecar: false,
  primaryCurve: {
    name: "val/hmean",
    axis: "step",
    points: [0, 100, 200, 300, 400].map((x, index) => ({
      x,
      value: [0.5, 0.7, 0.88, 0.85, 0.86][index] ?? 0,
    })),
  },
  lossCurve: null,
};

/** The detail page as the screen draws it: lines wrapped to the width, the first `height` rows. */
function detail(options: {
  ascii: boolean;
  entry?: CatalogEntry;
  detail?: CheckpointDetail;
  width?: number;
}) {
  const width = options.width ?? WIDTH;
  const lines = detailLines(options.entry ?? ENTRY, options.detail ?? DETAIL, {
    width,
    ascii: options.ascii,
    displayPath: (path) => path,
  });
  return stripAnsi(
    renderToString(
      <LinesView
        title="ckpt │ detail │ epoch=2-step=200.ckpt"
        lines={wrapLines(lines, width)}
        top={0}
        height={30}
        width={width}
      />,
      { columns: width },
    ),
  );
}

describe("page views", () => {
  test("the title shows counts, the sort and the active filter", () => {
    expect(
      show(
        <TableTitle
          shown={3}
          total={5}
          runs={1}
          filter={{ text: "hmean", editing: false }}
          filterNote={null}
          sortLabel="metric ▼"
        />,
      ),
    ).toBe("ckpt │ 3 of 5 checkpoints in 1 run │ sort metric ▼ │ filter /hmean/");
    expect(
      show(
        <TableTitle
          shown={5}
          total={5}
          runs={2}
          filter={{ text: "(bad", editing: true }}
          filterNote="not a valid regex: matched literally"
          sortLabel="checkpoint ▲"
        />,
      ),
    ).toBe(
      "ckpt │ 5 checkpoints in 2 runs │ sort checkpoint ▲ │ filter /(bad▏ (not a valid regex: matched lite…",
    );
  });

  test("the empty states say why the table is empty and what to do", () => {
    const empty = (filter: string, daemon: DaemonState) =>
      show(<EmptyTable loaded filter={filter} daemon={daemon} height={2} />);
    expect(empty("xyz", "embedded")).toBe("\n  No checkpoint matches /xyz/. Esc clears the filter.\n");
    expect(empty("", "embedded")).toBe(
      "\n  No checkpoints in the catalog yet. They appear here as they are indexed; r rescans.\n",
    );
    expect(empty("", "attached")).toBe(
      "\n  No checkpoints in the catalog yet. ckpt watch indexes them as they are written; they appear here.\n",
    );
    // Nothing indexes: no promise that rows will appear, but how to get some.
    expect(empty("", "read-only")).toBe(
      [
        "",
        "  No checkpoints in the catalog, and nothing is indexing. Run 'ckpt scan DIR' to index a directory,",
        "  or 'ckpt tui DIR' to index it while you watch.",
      ].join("\n"),
    );
  });

  test("detail: a long problem and sidecar error wrap to the width, so the advice at their end shows", () => {
    const broken = sampleEntry("dbnet_a", "epoch=2-step=200.ckpt", {
      status: "corrupt",
      sidecar: "invalid",
      problem:
        "data.pkl: the pickle ends before its STOP opcode (truncated copy?); copy the file again or delete it",
    });
    const unreadable: CheckpointDetail = {
      ...DETAIL,
      metadata: null,
      problems: [],
      primaryCurve: null,
      sidecarError:
        "/runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml:3:1: bad indentation of a mapping entry; fix the YAML, or delete the file and run 'ckpt scan' to write it again",
    };
    expect(detail({ ascii: false, entry: broken, detail: unreadable, width: 80 }).split("\n")).toEqual([
      "ckpt │ detail │ epoch=2-step=200.ckpt",
      "/runs/dbnet_a/checkpoints/epoch=2-step=200.ckpt",
      "  status    ✗ invalid sidecar or unreadable checkpoint · file corrupt · safety",
      "    safe",
      "  file      144 KB (144000 bytes) · modified 2026-11-22T11:55:00.000Z · file",
      "  sidecar   /runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml (invalid)",
      "  metric    hmean 80.00%",
      "  problem   data.pkl: the pickle ends before its STOP opcode (truncated copy?);",
      "    copy the file again or delete it",
      "",
      "curves",
      "  no metric points for this run in the catalog",
      "",
      "validation",
      "  /runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml:3:1: bad indentation",
      "    of a mapping entry; fix the YAML, or delete the file and run 'ckpt scan' to",
      "    write it again",
      "",
      "safety",
      "  not checked",
      "",
      "metadata",
      "  none: data.pkl: the pickle ends before its STOP opcode (truncated copy?); copy",
      "    the file again or delete it",
      "",
      ...Array.from({ length: 5 }, () => ""),
    ]);
  });

  test("detail: file facts, the run's curve with the checkpoint's step marked, problems with file:line, sources", () => {
    expect(detail({ ascii: false })).toBe(
      [
        "ckpt │ detail │ epoch=2-step=200.ckpt  (1–29 of 61)",
        "/runs/dbnet_a/checkpoints/epoch=2-step=200.ckpt",
        "  status    ✗ invalid sidecar or unreadable checkpoint · file ok · safety safe",
        "  file      144 KB (144000 bytes) · modified 2026-11-22T11:55:00.000Z · file",
        "  sidecar   /runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml (invalid)",
        "  metric    hmean 88.00%",
        "",
        "curves",
        "  hmean (val/hmean) over steps, this checkpoint at step 200",
        "      0.88 ⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⣀⡠⠤⠤⠒⠒⠊⠩⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠑⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒",
        "           ⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⣀⡠⠤⠤⠒⠒⠊⠉⠉⠀⠀⠀⠀⠀⠀⠀⠀⠨⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀",
        "           ⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⣀⠤⠤⠒⠒⠊⠉⠉⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠨⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀",
        "           ⠀⠀⠀⠀⠀⠀⠀⠀⣀⣀⠤⠤⠔⠒⠊⠉⠉⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠨⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀",
        "       0.5 ⣀⡠⠤⠔⠒⠒⠉⠉⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠨⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀",
        "                                                       ▲ step 200",
        "           step 0                                                                           step 400",
        "",
        "validation",
        "  /runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml:31:10  error  metrics.hmean: must be",
        "    between 0 and 1, got 1.2",
        "",
        "safety",
        "  not checked",
        "",
        "metadata (← where each value came from)",
        "  checkpoint_path  checkpoints/epoch=2-step=200.ckpt  (assembled from the checkpoint and its run",
        "    files)",
        "run",
        "  exp_name         dbnet_a",
        "  created_at       2025-10-18T14:32:15",
      ].join("\n"),
    );
  });

  test("detail in --ascii draws the curve with * and marks the step with ^", () => {
    expect(detail({ ascii: true })).toBe(
      [
        "ckpt │ detail │ epoch=2-step=200.ckpt  (1–29 of 61)",
        "/runs/dbnet_a/checkpoints/epoch=2-step=200.ckpt",
        "  status    x invalid sidecar or unreadable checkpoint · file ok · safety safe",
        "  file      144 KB (144000 bytes) · modified 2026-11-22T11:55:00.000Z · file",
        "  sidecar   /runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml (invalid)",
        "  metric    hmean 88.00%",
        "",
        "curves",
        "  hmean (val/hmean) over steps, this checkpoint at step 200",
        "      0.88                                        **************************************************",
        "                                       ***********     |",
        "                            ***********                |",
        "                 ***********                           |",
        "       0.5 ******                                      |",
        "                                                       ^ step 200",
        "           step 0                                                                           step 400",
        "",
        "validation",
        "  /runs/dbnet_a/checkpoints/epoch=2-step=200.metadata.yaml:31:10  error  metrics.hmean: must be",
        "    between 0 and 1, got 1.2",
        "",
        "safety",
        "  not checked",
        "",
        "metadata (← where each value came from)",
        "  checkpoint_path  checkpoints/epoch=2-step=200.ckpt  (assembled from the checkpoint and its run",
        "    files)",
        "run",
        "  exp_name         dbnet_a",
        "  created_at       2025-10-18T14:32:15",
      ].join("\n"),
    );
  });

  test("help lists every key and what the marks mean", () => {
    expect(
      show(
        <LinesView
          title="ckpt │ help (? or Esc closes)"
          lines={wrapLines(helpLines(false), WIDTH)}
          top={0}
          height={36}
          width={WIDTH}
        />,
      ),
    ).toBe(
      [
        "ckpt │ help (? or Esc closes)",
        "keys",
        "  j/k ↓/↑         move (scroll in detail)",
        "  g/G Home/End    first / last row",
        "  PgUp/PgDn       page up / down",
        "  Ctrl-u/Ctrl-d   half a page up / down",
        "  h/l ←/→         collapse / expand the run; z all runs",
        "  Enter           detail of the checkpoint (on a run: collapse or expand)",
        "  /               filter: a regex over path, run, architecture, framework (Enter keeps it, Esc",
        "                  clears it)",
        "  s / S           sort by the next column / reverse; by metric, runs are grouped by metric, ▼ best",
        "                  first",
        "  Space           mark a checkpoint (two at most)",
        "  c               compare the two marked: metrics and differing hyper-parameters",
        "  y               send the path to the clipboard (OSC 52: over SSH, in tmux with set-clipboard on);",
        "                  shown below too",
        "  Y               the same with a resume snippet for the checkpoint's framework",
        "  d               prune the run: type a policy (best=1,last=1), see what would go (×), y deletes,",
        "                  n/Esc cancels",
        "  r               rescan now (the catalog also updates live)",
        "  Esc             back, or clear the filter and marks (also h/← in detail)",
        "  ?               this help",
        "  q               quit",
        "",
        "marks",
        "  ⚠  unsafe pickle: do not torch.load it",
        "  ◌  incomplete (still being written?)",
        "  ✗  invalid sidecar or unreadable checkpoint",
        "  ○  no sidecar (or stale / off)",
        "  ✓  valid sidecar",
        "  ★  the run's best checkpoint by its primary metric",
        "  ●  marked for compare",
        "  ×  would be deleted by the prune being previewed (d)",
        "",
        "Under tmux, set -sg escape-time 10 makes Esc immediate.",
        "",
      ].join("\n"),
    );
  });
});
