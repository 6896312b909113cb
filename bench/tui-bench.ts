// TUI at catalog scale: keypress → frame latency and bytes written to the terminal per second while rows arrive.
//   NODE_ENV=production FORCE_COLOR=1 bun bench/tui-bench.ts [--rows 100000] [--seconds 10] [--arrivals visible|offscreen]
//     [--shared]   the rows in a PostgreSQL catalog written by 8 hosts, read as `ckpt tui --catalog postgres://…` does
// Draws into an in-memory 120×40 "TTY" with the options `ckpt tui` uses (incrementalRendering, maxFps 30).
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { render } from "ink";
import { createElement } from "react";
import type { CatalogEntry } from "../src/core/catalog/catalog-entry.ts";
import { openCatalogForWriting } from "../src/io/catalog/catalog-db.ts";
import { applyCatalogChanges } from "../src/io/catalog/catalog-writes.ts";
import { openTuiCatalogReader, type TuiCatalogReader } from "../src/io/catalog/tui-catalog-reads.ts";
import { createCatalogStore } from "../src/tui/catalog-store.ts";
import { type LayoutSampleCache, layoutSample, tableLayout } from "../src/tui/table-layout.ts";
import { buildTableRows, groupRuns, type RunGroup, type TableRowsCache } from "../src/tui/table-rows.ts";
import { TuiRoot } from "../src/tui/tui-root.tsx";
import { createUiStore } from "../src/tui/ui-store.ts";
import { openSharedBenchSource, type SharedBenchSource } from "./tui-bench-shared.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    rows: { type: "string", default: "100000" },
    seconds: { type: "string", default: "10" },
    arrivals: { type: "string", default: "visible" },
    shared: { type: "boolean", default: false },
  },
});
const ROWS = Number(values.rows);
const SECONDS = Number(values.seconds);
const PER_RUN = 100;
const NOW = Date.now();

function entry(run: number, index: number): CatalogEntry & { sidecar_present: boolean; metadata: null } {
  const hmean = 0.5 + ((run * 7919 + index * 104_729) % 1000) / 2000;
  return {
    path: `/data/runs/exp_${String(run).padStart(5, "0")}/checkpoints/epoch=${index}-step=${index * 100}.ckpt`,
    kind: "file",
    dev: 1,
    ino: run * PER_RUN + index + 1,
    size: 150_000_000,
    mtime_ms: NOW - (PER_RUN - index) * 60_000,
    alias_of: null,
    status: "ok",
    run_dir: `/data/runs/exp_${String(run).padStart(5, "0")}`,
    exp_name: `exp_${run}`,
    task: "text-detection",
    framework: "lightning",
    architecture: "dbnet",
    encoder: "resnet50",
    epoch: index,
    global_step: index * 100,
    created_at: null,
    primary_metric: { name: "hmean", value: hmean, higher_is_better: true },
    metrics: { precision: hmean - 0.01, recall: hmean + 0.01, hmean, validation_loss: 1 - hmean },
    sidecar: "valid",
    safety: "safe",
    problem: null,
    indexed_at: NOW - 60_000,
    sidecar_present: true,
    metadata: null,
  };
}

class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 120;
  readonly rows = 40;
  bytes = 0;
  writes = 0;
  onWrite: (() => void) | null = null;
  write = (chunk: string) => {
    this.bytes += Buffer.byteLength(chunk);
    this.writes++;
    this.onWrite?.();
    return true;
  };
}

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const data = this.data;
    this.data = null;
    return data;
  };
  press(data: string) {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  }
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const dir = mkdtempSync(join(tmpdir(), "ckpt-tui-bench-"));
const path = join(dir, "catalog.db");
const writer = openCatalogForWriting(path, { now: () => Date.now() });
const all = Array.from({ length: ROWS }, (_, index) => entry(Math.floor(index / PER_RUN), index % PER_RUN));
for (let start = 0; start < all.length; start += 10_000) {
  applyCatalogChanges(writer, { upserts: all.slice(start, start + 10_000), now: NOW });
}

const runOf = (row: CatalogEntry) => Number(row.exp_name?.replace("exp_", "") ?? 0);
const shared: SharedBenchSource | null = values.shared ? await openSharedBenchSource(all, runOf) : null;
const reader: TuiCatalogReader = shared?.reader ?? openTuiCatalogReader({ path, roots: [] });
let started = performance.now();
const entries = reader.readEntries();
const readMs = shared?.firstReadMs ?? performance.now() - started;
started = performance.now();
const table = buildTableRows(groupRuns(entries), {
  filter: "",
  sort: { column: "metric", descending: true },
  collapsed: new Set(),
});
const deriveMs = performance.now() - started;

// What the store and the table do per data change now: read the changed rows, re-derive the runs it touched.
function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}
const deltaReader = openTuiCatalogReader({ path, roots: [] });
const rowsCache: TableRowsCache = new WeakMap();
const sampleCache: LayoutSampleCache = new WeakMap();
const derive = (entries: readonly CatalogEntry[], previous: readonly RunGroup[]) => {
  const groups = groupRuns(entries, previous);
  const sort = { column: "metric", descending: true } as const;
  buildTableRows(groups, { filter: "", sort, collapsed: new Set(), cache: rowsCache });
  tableLayout(layoutSample(groups, sampleCache), { width: 120, ascii: false });
  return groups;
};
let deltaGroups = derive(deltaReader.readChanges().entries, []);
const deltaReads: number[] = [];
const deltaDerives: number[] = [];
// The local reader's delta read; the shared reader's counterpart (NOTIFY → fetch → merge) is in shared-catalog-bench.
for (let round = 0; round < (shared === null ? 7 : 0); round++) {
  // Re-indexes an existing row (a new rowid and indexed_at), leaving the table's order as it was.
  const again = { ...entry(Math.floor((ROWS - 1) / PER_RUN), round), indexed_at: Date.now() };
  applyCatalogChanges(writer, { upserts: [again], now: NOW });
  started = performance.now();
  const changed = deltaReader.readChanges().entries;
  deltaReads.push(performance.now() - started);
  started = performance.now();
  deltaGroups = derive(changed, deltaGroups);
  deltaDerives.push(performance.now() - started);
}
deltaReader.close();

const catalog = createCatalogStore({
  reader,
  pollMs: 250,
  publishMs: 1000,
  now: () => Date.now(),
  status: {
    daemon: shared === null ? "embedded" : "read-only",
    catalogPath: shared?.catalogName ?? path,
    lastEvent: null,
  },
});
const stdout = new FakeStdout();
const stdin = new FakeStdin();
catalog.start();
const instance = render(
  createElement(TuiRoot, {
    catalog,
    ui: createUiStore(),
    settings: {
      ascii: false,
      lowBandwidth: false,
      now: () => Date.now(),
      displayPath: (shown: string) => shown,
    },
    writeTerminal: () => {},
    tmux: false,
    rescan: async () => "",
  }),
  {
    // In-memory streams stand in for the TTY; Ink only calls the members they have.
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
    incrementalRendering: true,
    maxFps: 30,
    patchConsole: false,
    exitOnCtrlC: false,
    interactive: true,
  },
);
await Bun.sleep(500);

async function pressAndWait(key: string): Promise<number> {
  const frame = new Promise<void>((resolve) => {
    stdout.onWrite = () => {
      stdout.onWrite = null;
      resolve();
    };
  });
  const at = performance.now();
  stdin.press(key);
  await frame;
  const took = performance.now() - at;
  await Bun.sleep(40); // past the 30 fps throttle, so each key measures its own frame
  return took;
}

const keys = [
  ...Array(100).fill("j"),
  ...Array(20).fill("\x1b[6~"),
  "G",
  "g",
  ...Array(50).fill("j"),
  ...Array(50).fill("k"),
  "s",
  "s",
  "S",
];
const latencies: number[] = [];
const slowest = { key: "", ms: 0 };
for (const key of keys) {
  const took = await pressAndWait(key);
  latencies.push(took);
  if (took > slowest.ms) Object.assign(slowest, { key, ms: took });
}
const sortKeys = latencies.slice(-3).map((ms) => ms.toFixed(1));
latencies.sort((a, b) => a - b);

// Live: a checkpoint arrives 10 times a second, in the first run (on screen, rows below it shift) or in the last.
stdout.bytes = 0;
stdout.writes = 0;
const liveStart = performance.now();
let added = 0;
while (performance.now() - liveStart < SECONDS * 1000) {
  const run = values.arrivals === "visible" ? 0 : Math.floor((ROWS - 1) / PER_RUN);
  const next = entry(run, PER_RUN + added++);
  const arrived = { ...next, indexed_at: Date.now() };
  if (shared === null) applyCatalogChanges(writer, { upserts: [arrived], now: Date.now() });
  else await shared.write(arrived);
  await Bun.sleep(100);
}
const liveSeconds = (performance.now() - liveStart) / 1000;
const bytesPerSecond = stdout.bytes / liveSeconds;

instance.unmount();
catalog.stop();
if (shared === null) reader.close();
else await shared.close();
writer.close();
rmSync(dir, { recursive: true, force: true });

const where =
  shared === null ? "SQLite" : `PostgreSQL, 8 hosts (written in ${shared.loadSeconds.toFixed(1)} s)`;
console.log(`rows: ${ROWS} in ${where} (${table.rows.length} table lines incl. run headers)`);
console.log(`re-query all rows: ${readMs.toFixed(0)} ms; group + sort + filter: ${deriveMs.toFixed(0)} ms`);
console.log(
  shared === null
    ? `one row changed (median of 7): read changed rows ${median(deltaReads).toFixed(0)} ms; re-group + sort + filter + layout ${median(deltaDerives).toFixed(0)} ms`
    : "one row changed: see bench/shared-catalog-bench.ts (NOTIFY → fetch → merge)",
);
console.log(
  `keypress → frame over ${latencies.length} keys: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p95 ${quantile(latencies, 0.95).toFixed(1)} ms, max ${quantile(latencies, 1).toFixed(1)} ms (${JSON.stringify(slowest.key)}); s s S: ${sortKeys.join(", ")} ms`,
);
console.log(
  `live (${values.arrivals}): ${added} rows in ${liveSeconds.toFixed(1)} s → ${stdout.writes} writes, ${(bytesPerSecond / 1000).toFixed(2)} KB/s to the terminal`,
);
process.exit(0);
