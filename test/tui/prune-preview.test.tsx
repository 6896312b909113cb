// `d` in the TUI on a copy of the real Lightning runs with a real catalog: the rows it marks are exactly what
// `ckpt prune` plans for that run; n leaves the tree byte-identical; y deletes exactly those (files, sidecars,
// rows); --readonly refuses; a live run's checkpoints are kept and the row says why.

import type { Database } from "bun:sqlite";
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { tuiPruner } from "../../src/cli/tui-prune.ts";
import type { PruneRow } from "../../src/core/retention/prune-report.ts";
import { startEmbeddedWatcher } from "../../src/daemon/embedded-watcher.ts";
import { tryLockCatalog } from "../../src/io/catalog/catalog-lock.ts";
import { openTuiCatalogReader } from "../../src/io/catalog/tui-catalog-reads.ts";
import { createCatalogStore } from "../../src/tui/catalog-store.ts";
import { TuiRoot } from "../../src/tui/tui-root.tsx";
import { createUiStore } from "../../src/tui/ui-store.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { ageFiles } from "../helpers/scanned-copy.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { snapshotTree } from "../helpers/tree-snapshot.ts";
import { frameMatching, nextTick } from "../helpers/wait-for-frame.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const RUN = "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44";

type Tree = { readonly dir: string; readonly root: string; readonly catalog: string };

async function cli(tree: Tree, ...args: string[]) {
  const result = await runCliInProcess([...args, "--catalog", tree.catalog], {
    cwd: tree.dir,
    now: Date.now(),
  });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return result.stdout;
}

/** The Lightning runs copied under `<tmp>/runs` (aged unless `fresh`) and scanned into the test's own catalog. */
async function lightningTree(dir: string, options: { fresh?: boolean } = {}): Promise<Tree> {
  const root = join(dir, "runs");
  cpSync(join(realFixtureRoot, "lightning"), join(root, "lightning"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  if (options.fresh !== true) ageFiles(root);
  const tree = { dir, root, catalog: join(dir, "catalog.db") };
  await cli(tree, "scan", root);
  return tree;
}

/** What `ckpt prune --keep-best 1 --keep-last 1` would delete in the run, relative to the run. */
async function cliDeletions(tree: Tree): Promise<string[]> {
  const runDir = join(tree.root, RUN);
  const out = await cli(
    tree,
    "prune",
    tree.root,
    "--keep-best",
    "1",
    "--keep-last",
    "1",
    "--json",
    "--run",
    RUN,
  );
  const rows: PruneRow[] = JSON.parse(out).checkpoints;
  return rows.filter((row) => row.action === "delete").map((row) => row.path.slice(runDir.length + 1));
}

let dispose: (() => void) | null = null;
afterEach(() => {
  dispose?.();
  dispose = null;
});

type Lend = <T>(work: (database: Database) => T) => T;

function startTui(tree: Tree, options: { readonly?: boolean; watcher?: Lend } = {}) {
  const reader = openTuiCatalogReader({ path: tree.catalog, roots: [] });
  const store = createCatalogStore({
    reader,
    pollMs: 20,
    now: () => Date.now(),
    status: { daemon: "read-only", catalogPath: tree.catalog, lastEvent: null },
  });
  store.start();
  const pruner = tuiPruner({
    context: { now: () => Date.now(), cwd: tree.dir },
    location: { path: tree.catalog, source: "flag", networkMount: null },
    roots: [tree.root],
    readonly: options.readonly === true,
    watcherCatalog: async () => options.watcher,
  });
  const app = render(
    <TuiRoot
      catalog={store}
      ui={createUiStore()}
      settings={{ ascii: false, lowBandwidth: false, now: () => Date.now(), displayPath: (path) => path }}
      writeTerminal={() => undefined}
      tmux={false}
      rescan={async () => ""}
      size={{ columns: 200, rows: 40 }}
      pruner={pruner}
    />,
  );
  dispose = () => {
    app.unmount();
    store.stop();
    reader.close();
  };
  return app;
}

async function press(app: ReturnType<typeof startTui>, keys: string): Promise<void> {
  await nextTick();
  app.stdin.write(keys);
}

/** Shows only the run under test (its header first), then puts the cursor on its header. */
async function onRunHeader(app: ReturnType<typeof startTui>): Promise<void> {
  await frameMatching(app.lastFrame, (frame) => frame.includes("dbnet_r18_dev_full"));
  await press(app, "/dbnet_r18_dev_full");
  await press(app, "\r");
  await frameMatching(app.lastFrame, (frame) => frame.includes("filter /dbnet_r18_dev_full/"));
  await press(app, "g");
}

/** The names of the rows marked × (would go), as the table shows them. */
function markedRows(frame: string): string[] {
  return frame
    .split("\n")
    .filter((line) => line.slice(1, 2) === "×")
    .map((line) => line.trimEnd().split("  ").at(-1)?.trim() ?? "")
    .sort();
}

describe("d: prune a run from the TUI", () => {
  test("marks exactly what ckpt prune would delete; n changes nothing; y deletes exactly that", async () => {
    using dir = makeTempDir("tui-prune");
    const tree = await lightningTree(dir.path);
    const expected = await cliDeletions(tree);
    expect(expected.length).toBeGreaterThan(0);
    const before = snapshotTree(tree.root);
    const app = startTui(tree);
    await onRunHeader(app);
    await press(app, "d");
    await frameMatching(app.lastFrame, (frame) => frame.includes("keep best=1,last=1▏"));
    await press(app, "\r");
    const preview = await frameMatching(app.lastFrame, (frame) => frame.includes("would go"));
    expect(markedRows(preview)).toEqual([...expected].sort());
    expect(preview).toContain(`${expected.length} of `);
    expect(preview).toContain("y deletes, n/Esc cancels");
    // The cursor on a row that would go: the status line says why, in the planner's words.
    await press(app, "j");
    expect(
      await frameMatching(app.lastFrame, (frame) => frame.includes("this row: would go: rank")),
    ).toContain("by hmean");
    await press(app, "n");
    const cancelled = await frameMatching(app.lastFrame, (frame) => frame.includes("prune cancelled"));
    expect(markedRows(cancelled)).toEqual([]);
    expect(snapshotTree(tree.root)).toEqual(before);

    await press(app, "d");
    await press(app, "\r");
    await frameMatching(app.lastFrame, (frame) => frame.includes("would go"));
    await press(app, "y");
    const done = await frameMatching(app.lastFrame, (frame) => frame.includes("prune: deleted"));
    expect(done).toContain(`prune: deleted ${expected.length} of `);
    for (const name of expected) {
      expect(existsSync(join(tree.root, RUN, name))).toBe(false);
      expect(done).not.toContain(name);
    }
    // The catalog agrees with the disk: a second plan finds nothing to delete, a rescan finds nothing changed.
    expect(await cliDeletions(tree)).toEqual([]);
    expect(await cli(tree, "scan", tree.root)).toStartWith("0 added, 0 updated, 0 removed,");
  });

  test("--readonly: d says why it is off and nothing is planned or touched", async () => {
    using dir = makeTempDir("tui-prune-ro");
    const tree = await lightningTree(dir.path);
    const before = snapshotTree(tree.root);
    const app = startTui(tree, { readonly: true });
    await onRunHeader(app);
    await press(app, "d");
    const frame = await frameMatching(app.lastFrame, (text) => text.includes("d (prune) is off: --readonly"));
    expect(markedRows(frame)).toEqual([]);
    expect(snapshotTree(tree.root)).toEqual(before);
  });

  test("a live run: nothing would go, and each row says the run is active", async () => {
    using dir = makeTempDir("tui-prune-live");
    const tree = await lightningTree(dir.path, { fresh: true });
    const app = startTui(tree);
    await onRunHeader(app);
    // A typo in the policy, then in its metric: each refused with a did-you-mean, nothing previewed.
    await press(app, "d");
    await press(app, "\x7f".repeat(13));
    await press(app, "bset=1\r");
    expect(await frameMatching(app.lastFrame, (frame) => frame.includes("unknown key 'bset'"))).toContain(
      "best",
    );
    await press(app, "d");
    await press(app, ",metric=hmaen\r");
    expect(await frameMatching(app.lastFrame, (frame) => frame.includes("unknown metric 'hmaen'"))).toContain(
      "hmean",
    );
    await press(app, "d");
    await press(app, "\r");
    await frameMatching(app.lastFrame, (frame) => frame.includes("nothing would go"));
    await press(app, "j");
    const row = await frameMatching(app.lastFrame, (frame) => frame.includes("this row: stays"));
    expect(row).toContain("run active (a file changed");
    expect(markedRows(row)).toEqual([]);
  });

  test("with the TUI's own watcher holding the catalog, y deletes through its connection and it goes on", async () => {
    using dir = makeTempDir("tui-prune-embedded");
    const tree = await lightningTree(dir.path);
    const expected = await cliDeletions(tree);
    const watcher = await startEmbeddedWatcher([tree.root], tree.catalog, { now: () => Date.now() });
    try {
      if (watcher.withCatalog === undefined) throw new Error("the embedded watcher did not start");
      const app = startTui(tree, { watcher: watcher.withCatalog });
      await onRunHeader(app);
      await press(app, "d");
      await press(app, "\r");
      await frameMatching(app.lastFrame, (frame) => frame.includes("would go"));
      await press(app, "y");
      const done = await frameMatching(app.lastFrame, (frame) => frame.includes("prune: deleted"));
      expect(done).toContain(`prune: deleted ${expected.length} of `);
      for (const name of expected) expect(existsSync(join(tree.root, RUN, name))).toBe(false);
      expect(await watcher.rescan()).toBe("reconcile queued");
    } finally {
      await watcher.stop();
    }
    expect(await cliDeletions(tree)).toEqual([]);
    expect(await cli(tree, "scan", tree.root)).toStartWith("0 added, 0 updated, 0 removed,");
  });

  test("a catalog behind the disk is refused in the status line, nothing marked or touched", async () => {
    using dir = makeTempDir("tui-prune-stale");
    const tree = await lightningTree(dir.path);
    const [first] = await cliDeletions(tree);
    if (first === undefined) throw new Error("the policy deletes nothing in the run");
    // Rewritten since the catalog read it: the row no longer describes the file.
    appendFileSync(join(tree.root, RUN, first), "more bytes");
    const before = snapshotTree(tree.root);
    const app = startTui(tree);
    await onRunHeader(app);
    await press(app, "d");
    await press(app, "\r");
    const frame = await frameMatching(app.lastFrame, (text) =>
      text.includes("prune: the catalog is behind the disk"),
    );
    expect(frame).toContain("nothing was deleted");
    expect(markedRows(frame)).toEqual([]);
    expect(snapshotTree(tree.root)).toEqual(before);
  });

  test("another ckpt watch holding the catalog: the preview shows, y is refused with what to do", async () => {
    using dir = makeTempDir("tui-prune-busy");
    const tree = await lightningTree(dir.path);
    const held = tryLockCatalog(tree.catalog, { command: "watch", now: () => 0, pid: 4242 });
    if (!held.success) throw new Error("could not take the lock for the test");
    try {
      const before = snapshotTree(tree.root);
      const app = startTui(tree);
      await onRunHeader(app);
      await press(app, "d");
      await press(app, "\r");
      await frameMatching(app.lastFrame, (frame) => frame.includes("would go"));
      await press(app, "y");
      const frame = await frameMatching(app.lastFrame, (text) => text.includes("holds the catalog"));
      expect(frame).toContain("prune: ckpt watch (pid 4242) holds the catalog");
      expect(frame).toContain("nothing was deleted");
      expect(snapshotTree(tree.root)).toEqual(before);
    } finally {
      held.data.release();
    }
  });
});
