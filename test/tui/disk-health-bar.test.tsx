// The TUI's disk line (free space, rate, forecast, stalled runs) and stall marks, from a real catalog of real runs
// with controlled mtimes, on a tmpfs of known size so the free space shown is exactly df's.
import { expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { formatBytes } from "../../src/core/catalog/human-units.ts";
import { openCatalogForWriting } from "../../src/io/catalog/catalog-db.ts";
import { openTuiCatalogReader } from "../../src/io/catalog/tui-catalog-reads.ts";
import { entriesHealth } from "../../src/io/disk/disk-health-report.ts";
import { scanCatalog } from "../../src/io/scan/catalog-scan.ts";
import { createCatalogStore } from "../../src/tui/catalog-store.ts";
import { TuiRoot } from "../../src/tui/tui-root.tsx";
import { createUiStore } from "../../src/tui/ui-store.ts";
import { buildHealthTree } from "../helpers/health-tree.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { canMount, mountTmpfs } from "../helpers/scratch-mount.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { frameMatching } from "../helpers/wait-for-frame.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

function dfAvail(path: string): number {
  const out = Bun.spawnSync(["df", "-B1", "--output=avail", path]).stdout.toString();
  return Number(out.trim().split("\n")[1]);
}

test.skipIf(!canMount())("a disk line under the summary, and stalled runs marked on their rows", async () => {
  using dir = makeTempDir("tui-disk");
  using mount = mountTmpfs(join(dir.path, "data"), { sizeKb: 16_384 });
  if (mount === null) throw new Error("tmpfs mount failed although canMount() said yes");
  const now = Date.now();
  buildHealthTree(mount.path, now);
  const catalogPath = join(dir.path, "catalog.db");
  const database = openCatalogForWriting(catalogPath, { now: () => now });
  await scanCatalog(database, { roots: [mount.path], sidecars: "off", now: () => now, workers: 0 });
  database.close();
  const reader = openTuiCatalogReader({ path: catalogPath, roots: [] });
  const store = createCatalogStore({
    reader,
    pollMs: 20,
    now: () => now,
    status: { daemon: "read-only", catalogPath, lastEvent: null },
  });
  store.start();
  const settings = {
    ascii: false,
    lowBandwidth: false,
    now: () => now,
    displayPath: (path: string) => path,
    diskHealth: entriesHealth([mount.path]),
  };
  const app = render(
    <TuiRoot
      catalog={store}
      ui={createUiStore()}
      settings={settings}
      writeTerminal={() => undefined}
      tmux={false}
      rescan={async () => ""}
      size={{ columns: 200, rows: 30 }}
    />,
  );
  try {
    const frame = await frameMatching(app.lastFrame, (text) => text.includes("runs stalled"));
    const lines = frame.split("\n");
    // ~4.1 MB written in the last 6 h (688 KB/h) into the tmpfs's free space: full in under 24 h.
    const disk = lines.find((line) => line.startsWith("disk "));
    expect(disk).toStartWith(
      `disk ${mount.path} ${formatBytes(dfAvail(mount.path))} free, 688 KB/h, WARNING fills in `,
    );
    expect(disk).toEndWith(" │ 2 runs stalled");
    // The table keeps its height: the status bar grew by the disk line, the rows above it gave one up.
    expect(lines).toHaveLength(30);
    const runRows = lines.filter((line) => /^.▾ /.test(line)).map((line) => line.replace(/ {2}\/\S+/, ""));
    // Each run's header: the stall mark when stalled, then its checkpoints' bytes (4 × 143,785; 7,243; 29,532 + 71,892; 4 × 862,639).
    expect(runRows.map((line) => line.trimEnd())).toEqual([
      "›▾ dbnet_r18_dev_full  STALLED: no checkpoint for 1h 10m (saved every 30m 0s)  4 checkpoints, 575 KB  best hmean 88.19%",
      " ▾ old  1 checkpoint, 7.2 KB",
      " ▾ partial  STALLED: newest checkpoint incomplete for 2h 0m  2 checkpoints, 101 KB  best train_loss 1.5927",
      " ▾ timm  4 checkpoints, 3.5 MB  best accuracy 83.33%",
    ]);
  } finally {
    app.unmount();
    store.stop();
    reader.close();
  }
});
