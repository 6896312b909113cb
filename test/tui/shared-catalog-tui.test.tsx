import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { render } from "ink-testing-library";
import { openPostgresCatalogStore } from "../../src/io/catalog/postgres-catalog-store.ts";
import { openSharedTuiReader } from "../../src/io/catalog/shared-tui-reader.ts";
import { createCatalogStore } from "../../src/tui/catalog-store.ts";
import { TuiRoot } from "../../src/tui/tui-root.tsx";
import { createUiStore } from "../../src/tui/ui-store.ts";
import { type PostgresServer, startPostgres } from "../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { sampleEntry, stored, TEST_NOW } from "../helpers/tui-catalog.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences start with ESC.
const withoutColours = (frame: string) => frame.replace(/\x1b\[[0-9;]*m/g, "");

describe("the TUI on a shared catalog", () => {
  test("shows each host's runs under the host's name and redraws when another host commits", async () => {
    const url = await server.createDatabase("tui");
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
});
