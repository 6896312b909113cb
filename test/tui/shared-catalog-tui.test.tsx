import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { openCatalogForReading } from "../../src/io/catalog/catalog-db.ts";
import { publishHostRows } from "../../src/io/catalog/host-publisher.ts";
import { openPostgresCatalogStore } from "../../src/io/catalog/postgres-catalog-store.ts";
import { openSharedTuiReader } from "../../src/io/catalog/shared-tui-reader.ts";
import { openTuiCatalogReader } from "../../src/io/catalog/tui-catalog-reads.ts";
import { createCatalogStore } from "../../src/tui/catalog-store.ts";
import { TuiRoot } from "../../src/tui/tui-root.tsx";
import { createUiStore } from "../../src/tui/ui-store.ts";
import { postgresPerFile } from "../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { sampleEntry, stored, TEST_NOW } from "../helpers/tui-catalog.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences start with ESC.
const withoutColours = (frame: string) => frame.replace(/\x1b\[[0-9;]*m/g, "");

describe("the TUI on a shared catalog", () => {
  test("shows each host's runs under the host's name and redraws when another host commits", async () => {
    const url = await pg.server.createDatabase("tui");
    const [a, b, viewer] = await Promise.all(
      ["gpu-a", "gpu-b", "laptop"].map((host) => openPostgresCatalogStore(url, { host })),
    );
    if (a === undefined || b === undefined || viewer === undefined) throw new Error("stores did not open");
    await a.applyChanges({ upserts: [stored(sampleEntry("alpha", "epoch=1.ckpt"))], now: TEST_NOW });
    await b.applyChanges({ upserts: [stored(sampleEntry("beta", "epoch=1.ckpt"))], now: TEST_NOW });
    let redraw = () => {};
    const reader = await openSharedTuiReader({ store: viewer, roots: [], onLoaded: () => redraw() });
    const catalog = createCatalogStore({
      reader,
      pollMs: 250,
      publishMs: 250,
      now: () => Date.now(),
      status: { daemon: "read-only", catalogPath: viewer.name, lastEvent: null },
    });
    redraw = () => catalog.poll({ force: true });
    catalog.start();
    const app = render(
      <TuiRoot
        catalog={catalog}
        ui={createUiStore()}
        settings={{ ascii: false, lowBandwidth: false, now: () => TEST_NOW, displayPath: (path) => path }}
        writeTerminal={() => {}}
        tmux={false}
        rescan={async () => ""}
        size={{ columns: 140, rows: 24 }}
      />,
    );
    const frame = (wanted: string) =>
      waitFor(
        () => {
          const shown = withoutColours(app.lastFrame() ?? "");
          return shown.includes(wanted) ? shown : undefined;
        },
        { what: `a frame with ${wanted}`, timeoutMs: 10_000 },
      );
    try {
      const first = await frame("gpu-b:/runs/beta");
      expect(first).toContain("gpu-a:/runs/alpha");
      expect(first).not.toContain("gamma");
      // The viewer never polls the server: only gpu-b's NOTIFY can bring this row.
      await b.applyChanges({ upserts: [stored(sampleEntry("gamma", "epoch=3.ckpt"))], now: TEST_NOW });
      await frame("gpu-b:/runs/gamma");
    } finally {
      app.unmount();
      catalog.stop();
      reader.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("a checkpoint's detail shows the metadata and curves its host published, as that host's own TUI does", async () => {
    using dir = makeTempDir("shared-detail");
    const url = await pg.server.createDatabase("detail");
    // A real YOLO run, scanned on gpu-a: its sidecar is valid, so gpu-a's catalog keeps no copy of the metadata.
    const run = join(dir.path, "data", "train");
    cpSync(join(realFixtureRoot, "ultralytics/runs/detect/train"), run, { recursive: true });
    const localPath = join(dir.path, "gpu-a.db");
    const scan = await runCliInProcess(["scan", run, "--catalog", localPath], { cwd: dir.path });
    expect(scan.exitCode).toBe(0);
    const opened = openCatalogForReading(localPath);
    if (!opened.success) throw new Error(opened.error.message);
    const [publisher, viewer] = await Promise.all(
      ["gpu-a", "laptop"].map((host) => openPostgresCatalogStore(url, { host })),
    );
    if (publisher === undefined || viewer === undefined) throw new Error("stores did not open");
    await publishHostRows(opened.data, publisher);
    let loads = 0;
    const shared = await openSharedTuiReader({ store: viewer, roots: [], onLoaded: () => loads++ });
    const local = openTuiCatalogReader({ path: localPath, roots: [] });
    try {
      const best = join(run, "weights", "best.pt");
      const row = () => shared.readEntries().find((entry) => entry.path === best);
      const first = row();
      if (first === undefined) throw new Error("best.pt is not in the shared rows");
      expect(shared.readDetail(first).metadata).toBeNull();
      const before = loads;
      await waitFor(() => loads > before, { what: "the detail read from the shared catalog" });
      const loaded = row();
      if (loaded === undefined) throw new Error("best.pt left the shared rows");
      expect(loaded).not.toBe(first);
      const detail = shared.readDetail(loaded);
      const own = local.readDetail(local.readEntries().find((entry) => entry.path === best) ?? first);
      expect(own.fromSidecar).toBe(true);
      expect(detail.metadata).not.toBeNull();
      expect(detail.metadata).toEqual(own.metadata);
      // YOLO's primary metric is its fitness, which results.csv does not log: the loss curve is drawn.
      expect(detail.lossCurve?.name).toBe("val/box_loss");
      expect([detail.primaryCurve, detail.lossCurve]).toEqual([own.primaryCurve, own.lossCurve]);
    } finally {
      shared.close();
      local.close();
      opened.data.close();
      await publisher.close();
    }
  });
});
