import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { render } from "ink-testing-library";
import type { CatalogEntry } from "../../src/core/catalog/catalog-entry.ts";
import type { CheckpointMetadataV1 } from "../../src/core/metadata/metadata-schema.ts";
import { openTuiCatalogReader, type TuiCatalogReader } from "../../src/io/catalog/tui-catalog-reads.ts";
import { type CatalogStore, createCatalogStore } from "../../src/tui/catalog-store.ts";
import { TuiRoot } from "../../src/tui/tui-root.tsx";
import { createUiStore } from "../../src/tui/ui-store.ts";
import { sampleMetadata } from "../helpers/catalog-tree.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { sampleEntry, TEST_NOW, writeCatalog } from "../helpers/tui-catalog.ts";
import { frameMatching, nextTick } from "../helpers/wait-for-frame.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const hmean = (value: number) => ({ primary_metric: { name: "hmean", value, higher_is_better: true } });

const ENTRIES = [
  sampleEntry("dbnet_a", "epoch=1-step=100.ckpt", { ...hmean(0.81), epoch: 1, global_step: 100 }),
  sampleEntry("dbnet_a", "epoch=2-step=200.ckpt", { ...hmean(0.88), epoch: 2, global_step: 200 }),
  sampleEntry("dbnet_b", "epoch=1-step=50.ckpt", { ...hmean(0.9), epoch: 1, global_step: 50 }),
];

const POINTS = [50, 100, 150, 200].map((step, index) => ({
  name: "val/hmean",
  step,
  epoch: index,
  value: [0.6, 0.81, 0.85, 0.88][index] ?? 0,
}));

type Session = { store: CatalogStore; reader: TuiCatalogReader; copied: string[]; path: string };
let open: (Session & { dispose: () => void }) | null = null;

afterEach(() => {
  open?.dispose();
  open = null;
});

type TuiOptions = {
  readonly entries?: readonly CatalogEntry[];
  readonly metadata?: ReadonlyMap<string, CheckpointMetadataV1>;
  readonly columns?: number;
  readonly rows?: number;
};

function startTui(dir: string, options: TuiOptions = {}) {
  const path = join(dir, "catalog.db");
  writeCatalog(path, {
    entries: options.entries ?? ENTRIES,
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    runs: [
      {
        run: {
          dir: "/runs/dbnet_a",
          exp_name: "dbnet_a",
          task: "text-detection",
          config_path: null,
          wandb_run_id: null,
        },
        points: POINTS,
      },
    ],
  });
  const reader = openTuiCatalogReader({ path, roots: [] });
  const store = createCatalogStore({
    reader,
    pollMs: 20,
    now: () => Date.now(),
    status: { daemon: "embedded", catalogPath: path, lastEvent: null },
  });
  const copied: string[] = [];
  const rescans: string[] = [];
  store.start();
  const app = render(
    <TuiRoot
      catalog={store}
      ui={createUiStore()}
      settings={{ ascii: false, lowBandwidth: false, now: () => TEST_NOW, displayPath: (shown) => shown }}
      writeTerminal={(bytes) => copied.push(bytes)}
      tmux={false}
      rescan={async () => {
        rescans.push("r");
        return "scan: 0 added";
      }}
      size={{ columns: options.columns ?? 110, rows: options.rows ?? 24 }}
    />,
  );
  open = {
    store,
    reader,
    copied,
    path,
    dispose: () => {
      app.unmount();
      store.stop();
      reader.close();
    },
  };
  return { ...app, copied, path, rescans };
}

async function press(app: ReturnType<typeof startTui>, keys: string): Promise<void> {
  await nextTick();
  app.stdin.write(keys);
}

describe("tui flows", () => {
  test("move, open the detail with the run's curve, go back", async () => {
    using dir = makeTempDir("tui-flow-detail");
    const app = startTui(dir.path);
    await frameMatching(app.lastFrame, (frame) => frame.includes("dbnet_b"));
    await press(app, "jj");
    await press(app, "\r");
    const detail = await frameMatching(app.lastFrame, (frame) =>
      frame.includes("ckpt │ detail │ epoch=2-step=200.ckpt"),
    );
    expect(detail).toContain("hmean (val/hmean) over steps, this checkpoint at step 200");
    expect(detail).toContain("step 200 ▲");
    await press(app, "h");
    await frameMatching(app.lastFrame, (frame) => frame.includes("3 checkpoints in 2 runs"));
  });

  test("/ filters by regex and shows it in the title; s sorts by the metric, best first", async () => {
    using dir = makeTempDir("tui-flow-filter");
    const app = startTui(dir.path);
    await frameMatching(app.lastFrame, (frame) => frame.includes("dbnet_b"));
    await press(app, "/step=(1|5)0");
    await press(app, "\r");
    const filtered = await frameMatching(app.lastFrame, (frame) => frame.includes("filter /step=(1|5)0/"));
    expect(filtered).toContain("2 of 3 checkpoints in 2 runs");
    expect(filtered).not.toContain("epoch=2-step=200.ckpt");
    await press(app, "s");
    const sorted = await frameMatching(app.lastFrame, (frame) => frame.includes("sort metric ▼"));
    expect(sorted.indexOf("dbnet_b")).toBeLessThan(sorted.indexOf("dbnet_a"));
  });

  test("Space marks two, c compares them and uses the marks up; a stale mark count does not stay", async () => {
    using dir = makeTempDir("tui-flow-compare");
    const app = startTui(dir.path);
    await frameMatching(app.lastFrame, (frame) => frame.includes("dbnet_b"));
    await press(app, "j ");
    await press(app, "c");
    await frameMatching(app.lastFrame, (frame) => frame.includes("compare them (1 marked)"));
    await press(app, " ");
    await frameMatching(app.lastFrame, (frame) => !frame.includes("(1 marked)") && frame.includes("? help"));
    await press(app, "c");
    const compare = await frameMatching(app.lastFrame, (frame) => frame.includes("ckpt │ compare"));
    expect(compare).toContain("A  /runs/dbnet_a/checkpoints/epoch=1-step=100.ckpt");
    expect(compare).toContain("B  /runs/dbnet_a/checkpoints/epoch=2-step=200.ckpt");
    expect(compare).toMatch(/hmean\s+0\.81\s+0\.88\s+0\.07/);
    expect(compare).not.toContain("marked");
    await press(app, "\x1b");
    const back = await frameMatching(app.lastFrame, (frame) => frame.includes("3 checkpoints in 2 runs"));
    expect(back).not.toContain("●");
    await press(app, "c");
    await frameMatching(app.lastFrame, (frame) => frame.includes("compare them (0 marked)"));
  });

  test("y sends the path through OSC 52 and says so, showing the whole path even where it has to wrap", async () => {
    using dir = makeTempDir("tui-flow-copy");
    const app = startTui(dir.path, { columns: 50 });
    await frameMatching(app.lastFrame, (frame) => frame.includes("dbnet_b"));
    await press(app, "j");
    await press(app, "y");
    const copied = await frameMatching(app.lastFrame, (frame) => frame.includes("sent to clipboard"));
    expect(copied.split("\n").slice(-2)).toEqual([
      "path sent to clipboard (OSC 52):",
      "  /runs/dbnet_a/checkpoints/epoch=1-step=100.ckpt",
    ]);
    expect(app.copied).toEqual([
      `\x1b]52;c;${Buffer.from("/runs/dbnet_a/checkpoints/epoch=1-step=100.ckpt").toString("base64")}\x07`,
    ]);
  });

  test("a checkpoint whose monitored metric was not logged shows the same value in the list and the detail", async () => {
    using dir = makeTempDir("tui-flow-metric");
    // Lightning monitored val/hmean; last.ckpt is outside the callback's top-k and the run has no metrics.csv,
    // so only the checkpoint's own cleval_metrics give its hmean.
    const last = sampleEntry("cleval", "last.ckpt", {
      sidecar: "missing",
      primary_metric: { name: "val/hmean", value: null, higher_is_better: true },
      metrics: { precision: 0.988, recall: 0.974, hmean: 0.9811, validation_loss: null },
    });
    const timm = sampleEntry("timm", "checkpoint-2.pth.tar", {
      task: "classification",
      primary_metric: { name: "eval_top1", value: 83.33, higher_is_better: true },
      metrics: null,
    });
    const metadata = sampleMetadata("checkpoints/last.ckpt", { exp: "cleval", epoch: 4, hmean: 0.9811 });
    const app = startTui(dir.path, {
      entries: [last, timm],
      metadata: new Map([[last.path, metadata]]),
      rows: 60,
    });
    const list = await frameMatching(app.lastFrame, (frame) => frame.includes("last.ckpt"));
    // Runs of two tasks: each heads its rows with its own columns; no column holds an hmean beside an accuracy.
    expect(list.split("\n").slice(1, 8)).toEqual([
      "     arch    epoch    step   h-mean   precision   recall      size   age  checkpoint▲",
      "›▾ cleval  /runs/cleval  1 checkpoint, 144 KB  best hmean 98.11%",
      "     arch    epoch    step   h-mean   precision   recall      size   age  checkpoint▲",
      "  ★○ dbnet       1     100   98.11%      98.80%   97.40%    144 KB    5m  checkpoints/last.ckpt",
      " ▾ timm  /runs/timm  1 checkpoint, 144 KB  best accuracy 83.33%",
      "     arch    epoch    step   accuracy      size   age  checkpoint▲",
      "  ★✓ dbnet       1     100     83.33%    144 KB    5m  checkpoints/checkpoint-2.pth.tar",
    ]);
    await press(app, "j");
    await press(app, "\r");
    const detail = await frameMatching(app.lastFrame, (frame) => frame.includes("ckpt │ detail │ last.ckpt"));
    expect(detail).toContain("  metric    hmean 98.11%");
    expect(detail).toMatch(/ {2}hmean +0\.9811/);
  });

  test("rows written to the catalog while it runs appear (data_version), and r asks for a rescan", async () => {
    using dir = makeTempDir("tui-flow-live");
    const app = startTui(dir.path);
    await frameMatching(app.lastFrame, (frame) => frame.includes("3 checkpoints in 2 runs"));
    writeCatalog(app.path, { entries: [sampleEntry("dbnet_c", "epoch=9-step=900.ckpt", hmean(0.95))] });
    const live = await frameMatching(app.lastFrame, (frame) => frame.includes("epoch=9-step=900.ckpt"));
    expect(live).toContain("4 checkpoints in 3 runs");
    await press(app, "r");
    await frameMatching(app.lastFrame, (frame) => frame.includes("scan: 0 added"));
    expect(app.rescans).toEqual(["r"]);
  });

  test("? opens the help over the table and Esc closes it", async () => {
    using dir = makeTempDir("tui-flow-help");
    const app = startTui(dir.path);
    await frameMatching(app.lastFrame, (frame) => frame.includes("dbnet_b"));
    await press(app, "?");
    await frameMatching(app.lastFrame, (frame) => frame.includes("ckpt │ help"));
    await press(app, "\x1b");
    await frameMatching(app.lastFrame, (frame) => frame.includes("3 checkpoints in 2 runs"));
  });
});
