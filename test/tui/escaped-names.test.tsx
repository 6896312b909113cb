import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { displayPathFrom } from "../../src/cli/display-path.ts";
import { openCatalogForWriting } from "../../src/io/catalog/catalog-db.ts";
import { openTuiCatalogReader } from "../../src/io/catalog/tui-catalog-reads.ts";
import { scanCatalog } from "../../src/io/scan/catalog-scan.ts";
import { createCatalogStore } from "../../src/tui/catalog-store.ts";
import { TuiRoot } from "../../src/tui/tui-root.tsx";
import { createUiStore } from "../../src/tui/ui-store.ts";
import {
  linesWithControlBytes,
  SHOWN_FILES,
  SHOWN_RUN,
  writeHostileCheckpoints,
} from "../helpers/hostile-names.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { TEST_NOW } from "../helpers/tui-catalog.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { nextTick } from "../helpers/wait-for-frame.ts";

// Issue 14, item 5, in the TUI: a frame holds the names escaped, each checkpoint on its own row.

/** Ink's own colours are the only escape sequences a frame may hold (none without a TTY, but FORCE_COLOR). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences start with ESC.
const withoutColours = (frame: string) => frame.replace(/\x1b\[[0-9;]*m/g, "");

/** What must never reach the terminal as it is: the run's colour, the titles, the clipboard write, the break. */
const RAW = ["\x1b[31mvil", "\x1b]0;pwned", "\x1b]52;c;", "\x07", "new\nline"];

/** The frame as the terminal would get it, checked for what the names carry; then without Ink's colours. */
function shownSafely(raw: string): string {
  expect(RAW.filter((fragment) => raw.includes(fragment))).toEqual([]);
  const shown = withoutColours(raw);
  expect(linesWithControlBytes(shown)).toEqual([]);
  return shown;
}

async function tuiOnHostileTree(dir: string) {
  const runs = join(dir, "runs");
  writeHostileCheckpoints(runs);
  const path = join(dir, "catalog.db");
  const database = openCatalogForWriting(path, { now: () => TEST_NOW });
  await scanCatalog(database, { roots: [runs], sidecars: "off", now: () => TEST_NOW, workers: 0 });
  database.close();
  const reader = openTuiCatalogReader({ path, roots: [] });
  const store = createCatalogStore({
    reader,
    pollMs: 20,
    now: () => Date.now(),
    status: { daemon: "read-only", catalogPath: path, lastEvent: null },
  });
  store.start();
  const app = render(
    <TuiRoot
      catalog={store}
      ui={createUiStore()}
      settings={{ ascii: false, lowBandwidth: false, now: () => TEST_NOW, displayPath: displayPathFrom(dir) }}
      writeTerminal={() => {}}
      tmux={false}
      rescan={async () => ""}
      size={{ columns: 120, rows: 24 }}
    />,
  );
  const frame = (matches: (frame: string) => boolean, what: string) =>
    waitFor(
      () => {
        const raw = app.lastFrame() ?? "";
        return matches(withoutColours(raw)) ? raw : undefined;
      },
      { what, timeoutMs: 10_000 },
    );
  return {
    app,
    frame,
    [Symbol.dispose]() {
      app.unmount();
      store.stop();
      reader.close();
    },
  };
}

describe("the TUI shows names from disk escaped", () => {
  test("the table: one row per checkpoint, the run header escaped; the detail page's title", async () => {
    using dir = makeTempDir("tui-escaped");
    using tui = await tuiOnHostileTree(dir.path);
    const table = shownSafely(
      await tui.frame((frame) => frame.includes("3 checkpoints in 1 run"), "the table"),
    );
    const rows = table.split("\n").filter((line) => SHOWN_FILES.some((name) => line.includes(name)));
    expect(rows.map((row) => SHOWN_FILES.filter((name) => row.includes(name)).length)).toEqual([1, 1, 1]);
    expect(table).toContain(SHOWN_RUN);
    await nextTick();
    tui.app.stdin.write("j");
    await nextTick();
    tui.app.stdin.write("\r");
    const detail = shownSafely(
      await tui.frame((frame) => frame.includes("ckpt │ detail │"), "the detail page"),
    );
    const title = detail.split("\n").find((line) => line.includes("ckpt │ detail │")) ?? "";
    expect(SHOWN_FILES.filter((name) => title.includes(name)).length).toBe(1);
  });
});
