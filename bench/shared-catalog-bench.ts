// Shared PostgreSQL catalog (issue 19): 8 simulated hosts × 12,500 checkpoints in one PostgreSQL 15 (started here,
// unix socket, fsync off), against the same 100k rows in one local SQLite catalog. Measures `ckpt ls --limit 50`
// (whole process, from source; and in-process through the CatalogStore), a host's NOTIFY reaching a listener,
// the shared TUI's reload of every row, and one host's publication of one new row (its `ckpt watch` per commit).
//   bun bench/shared-catalog-bench.ts [--hosts 8] [--per-host 12500] [--repeat 7] [--baseline main]
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SQL } from "bun";
import type { CatalogEntry } from "../src/core/catalog/catalog-entry.ts";
import { openCatalogForWriting } from "../src/io/catalog/catalog-db.ts";
import { publishHostRows } from "../src/io/catalog/host-publisher.ts";
import { openPostgresCatalogStore } from "../src/io/catalog/postgres-catalog-store.ts";
import { openSharedTuiReader } from "../src/io/catalog/shared-tui-reader.ts";
import { sqliteCatalogStore } from "../src/io/catalog/sqlite-catalog-store.ts";
import { startPostgres } from "../test/helpers/postgres-server.ts";
import { makeTempDir } from "../test/helpers/temp-dir.ts";
import { buildBinaryOfRef, buildThisBinary, type ProcessSamples, timeAlternately } from "./ab-binaries.ts";
import { type BareClients, buildBareClients } from "./bare-bun-clients.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    hosts: { type: "string", default: "8" },
    "per-host": { type: "string", default: "12500" },
    repeat: { type: "string", default: "7" },
    /** A git ref (e.g. main) whose binary runs beside this checkout's, alternating. */
    baseline: { type: "string" },
  },
});
const hosts = Number(values.hosts);
const perHost = Number(values["per-host"]);
const repeat = Number(values.repeat);
const root = resolve(import.meta.dir, "..");
const main = join(root, "src/main.ts");

/** A Lightning text-detection checkpoint of run `r` on host `h`; varied metrics so sorts do work. */
function entry(host: number, index: number): CatalogEntry & { sidecar_present: boolean; metadata: null } {
  const run = `run-${index % 250}`;
  const hmean = ((index * 7919 + host * 104729) % 10000) / 10000;
  return {
    path: `/data/h${host}/${run}/checkpoints/epoch=${index}.ckpt`,
    kind: "file",
    alias_of: null,
    dev: 1,
    ino: index + 1,
    size: 144_000_000 + index,
    mtime_ms: 1_790_000_000_000 + index * 1000,
    status: "ok",
    run_dir: `/data/h${host}/${run}`,
    exp_name: run,
    task: "text-detection",
    framework: "lightning",
    architecture: "dbnet",
    encoder: "resnet18",
    epoch: index,
    global_step: index * 100,
    created_at: "2026-11-22T11:55:00",
    primary_metric: { name: "hmean", value: hmean, higher_is_better: true },
    metrics: { hmean, precision: hmean, recall: 1 - hmean / 2, validation_loss: 1 - hmean },
    sidecar: "valid",
    safety: "safe",
    problem: null,
    indexed_at: 1_790_000_000_000,
    sidecar_present: true,
    metadata: null,
  };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
}

function report(name: string, samples: number[]): void {
  const ms = (value: number) => `${value.toFixed(1).padStart(8)} ms`;
  process.stdout.write(`${name.padEnd(64)} median ${ms(median(samples))}  p95 ${ms(p95(samples))}\n`);
}

async function timedAsync(run: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < repeat; index++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** `ckpt` from source: Bun's transpiler included. */
function timedProcess(argv: string[], env: Record<string, string>): ProcessSamples {
  const [samples] = timeAlternately([{ argv: [process.execPath, main, ...argv], env }], repeat, 0);
  return samples ?? { wall: [], cpu: [] };
}

/**
 * The binary rows: this checkout's build (as users run ckpt: bytecode, no transpiling) and, with --baseline REF,
 * that ref's build, alternating run by run.
 */
function binaryRows(
  rows: readonly [string, string[]][],
  env: Record<string, string>,
  binaries: { readonly own: string; readonly into: string },
): void {
  const { own: ownBinary, into } = binaries;
  const builds: [string, string][] = [["binary", ownBinary]];
  if (values.baseline !== undefined) builds.push([values.baseline, buildBinaryOfRef(values.baseline, into)]);
  for (const [name, args] of rows) {
    const samples = timeAlternately(
      builds.map(([, binary]) => ({ argv: [binary, ...args], env })),
      repeat,
    );
    builds.forEach(([label], index) => {
      const measured = samples[index];
      if (measured !== undefined) reportProcess(`${label}: ${name}`, measured);
    });
    const [own, base] = samples;
    if (own !== undefined && base !== undefined) reportPaired(`${builds[1]?.[0]}`, own, base);
  }
}

/**
 * This build minus the baseline's, run by run (each pair ran back to back): on a loaded box the load drifts
 * between pairs far more than within one, so the median of the differences is steadier than two medians.
 */
function reportPaired(baseline: string, own: ProcessSamples, base: ProcessSamples): void {
  const differences = (mine: number[], theirs: number[]) =>
    mine.map((value, at) => value - (theirs[at] ?? 0));
  const wall = median(differences(own.wall, base.wall));
  const cpu = median(differences(own.cpu, base.cpu));
  const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(1)} ms`;
  process.stdout.write(
    `  minus ${baseline}, pair by pair: median ${signed(wall)} wall, ${signed(cpu)} CPU\n`,
  );
}

/**
 * ckpt against the bare Bun programs that give the same answer (`bare-bun-clients.ts`), alternately: what ckpt adds
 * to Bun's start-up, to one query on a new PostgreSQL connection, and to one query on the SQLite file.
 */
function floorRows(
  binary: string,
  clients: BareClients,
  env: Record<string, string>,
  catalogs: { readonly url: string; readonly sqlite: string },
): void {
  const pairs: [string, string[], string[]][] = [
    [
      "start-up: ckpt --version / a compiled program that prints one line",
      [binary, "--version"],
      [clients.startup],
    ],
    [
      "PostgreSQL: ckpt ls --limit 50 / the same query on a new connection, rows as JSON",
      [binary, "ls", "--catalog", catalogs.url, "--limit", "50"],
      [clients.postgres, catalogs.url],
    ],
    [
      "SQLite: ckpt ls --limit 50 / the same query on the file, rows as JSON",
      [binary, "ls", "--catalog", catalogs.sqlite, "--limit", "50"],
      [clients.sqlite, catalogs.sqlite],
    ],
  ];
  for (const [name, ckpt, bare] of pairs) {
    const [own, floor] = timeAlternately(
      [
        { argv: ckpt, env },
        { argv: bare, env },
      ],
      repeat,
    );
    if (own === undefined || floor === undefined) continue;
    reportProcess(`floor, ${name}: ckpt`, own);
    reportProcess("  the bare Bun program", floor);
    reportPaired("the bare program", own, floor);
  }
}

function reportProcess(name: string, samples: ProcessSamples): void {
  report(name, samples.wall);
  process.stdout.write(
    `${"  CPU time (user + system)".padEnd(64)} median ${median(samples.cpu).toFixed(1).padStart(8)} ms\n`,
  );
}

const server = await startPostgres();
using dir = makeTempDir("shared-bench");
try {
  const url = await server.createDatabase("bench");
  const writers = await Promise.all(
    Array.from({ length: hosts }, (_, host) => openPostgresCatalogStore(url, { host: `gpu-${host}` })),
  );
  const sqlitePath = join(dir.path, "catalog.db");
  const local = openCatalogForWriting(sqlitePath, { now: () => 0 });
  const sqlite = sqliteCatalogStore(local, { host: "local" });
  const loadStarted = performance.now();
  await Promise.all(
    writers.map(async (writer, host) => {
      for (let start = 0; start < perHost; start += 2500) {
        const upserts = Array.from({ length: Math.min(2500, perHost - start) }, (_, i) =>
          entry(host, start + i),
        );
        await writer.applyChanges({ upserts, now: 0 });
      }
    }),
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  for (let host = 0; host < hosts; host++)
    for (let start = 0; start < perHost; start += 2500)
      await sqlite.applyChanges({
        upserts: Array.from({ length: Math.min(2500, perHost - start) }, (_, i) => entry(host, start + i)),
        now: 0,
      });
  // The steady state a shared catalog lives in, not the minutes after a bulk load: without this, autovacuum's
  // VACUUM and ANALYZE of the 100k new rows ran during the first timed rows (they came out ~15 ms slower than
  // the same command timed later in the same run).
  await writers[0]?.sql.unsafe("VACUUM (ANALYZE)");
  const total = hosts * perHost;
  process.stdout.write(
    `${total} rows: ${hosts} hosts × ${perHost}; loaded into PostgreSQL in ${loadSeconds.toFixed(1)} s (${hosts} writers at once)\n`,
  );

  const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir.path };
  const ownBinary = buildThisBinary(dir.path);
  binaryRows(
    [
      ["ckpt ls --limit 50 (whole process, PostgreSQL)", ["ls", "--catalog", url, "--limit", "50"]],
      ["ckpt ls --limit 50 (whole process, SQLite)", ["ls", "--catalog", sqlitePath, "--limit", "50"]],
      [
        `ckpt ls --host gpu-${hosts - 1} --limit 50 (whole process, PostgreSQL)`,
        ["ls", "--catalog", url, "--host", `gpu-${hosts - 1}`, "--limit", "50"],
      ],
      ["ckpt --version (whole process: start-up alone)", ["--version"]],
    ],
    env,
    { own: ownBinary, into: dir.path },
  );
  floorRows(ownBinary, await buildBareClients(dir.path), env, { url, sqlite: sqlitePath });
  report(
    "PostgreSQL connection set-up (new client, first query answered; unix socket)",
    await timedAsync(async () => {
      const client = new SQL(url, { max: 1 });
      await client`SELECT 1`;
      await client.close();
    }),
  );
  reportProcess(
    "ckpt ls --limit 50 (whole process, PostgreSQL)",
    timedProcess(["ls", "--catalog", url, "--limit", "50"], env),
  );
  reportProcess(
    "ckpt ls --limit 50 (whole process, SQLite)",
    timedProcess(["ls", "--catalog", sqlitePath, "--limit", "50"], env),
  );
  reportProcess(
    "ckpt ls --sort -hmean --limit 50 (whole process, PostgreSQL)",
    timedProcess(["ls", "--catalog", url, "--sort", "-hmean", "--limit", "50"], env),
  );
  reportProcess(
    "ckpt ls --sort -hmean --limit 50 (whole process, SQLite)",
    timedProcess(["ls", "--catalog", sqlitePath, "--sort", "-hmean", "--limit", "50"], env),
  );
  reportProcess(
    "ckpt ls --host gpu-3 --limit 50 (whole process, PostgreSQL)",
    timedProcess(["ls", "--catalog", url, "--host", `gpu-${hosts - 1}`, "--limit", "50"], env),
  );

  const reader = await openPostgresCatalogStore(url, { host: "laptop" });
  report(
    "listEntries limit 50 (in-process, PostgreSQL)",
    await timedAsync(() => reader.listEntries({ roots: [], limit: 50 })),
  );
  report(
    "listEntries limit 50 (in-process, SQLite)",
    await timedAsync(() => sqlite.listEntries({ roots: [], limit: 50 })),
  );
  report(
    "loggedMetricNames: the names --sort/--columns are checked against (in-process, PostgreSQL)",
    await timedAsync(() => reader.loggedMetricNames()),
  );
  report("loggedMetricNames (in-process, SQLite)", await timedAsync(() => sqlite.loggedMetricNames()));
  report(
    `every row: the shared TUI's first read (${total}, PostgreSQL)`,
    await timedAsync(() => reader.listEntries({ roots: [] })),
  );
  report(
    `every row, as the TUI's full read (${total}, SQLite)`,
    await timedAsync(() => sqlite.listEntries({ roots: [] })),
  );

  // NOTIFY: from the writer's call to the listener's callback, one new row per trial.
  const notify: number[] = [];
  const afterCommit: number[] = [];
  let fired: (() => void) | null = null;
  const stop = await reader.onChange(() => fired?.());
  for (let trial = 0; trial < Math.max(repeat, 20); trial++) {
    const woken = new Promise<void>((resolveWoken) => {
      fired = resolveWoken;
    });
    const started = performance.now();
    await writers[1]?.applyChanges({ upserts: [entry(1, perHost + trial)], now: 0 });
    const committed = performance.now();
    await woken;
    notify.push(performance.now() - started);
    afterCommit.push(performance.now() - committed);
  }
  await stop();
  report("one row written on gpu-1 → listener woken (write + NOTIFY)", notify);
  report("  of which after the commit returned", afterCommit);

  // The TUI's view: a new row on one host until the shared reader (holding all rows) has it.
  let loaded: (() => void) | null = null;
  const viewer = await openPostgresCatalogStore(url, { host: "laptop" });
  const tuiReader = await openSharedTuiReader({ store: viewer, roots: [], onLoaded: () => loaded?.() });
  const visible: number[] = [];
  for (let trial = 0; trial < Math.max(repeat, 20); trial++) {
    const shown = new Promise<void>((resolveShown) => {
      loaded = resolveShown;
    });
    const started = performance.now();
    await writers[2]?.applyChanges({ upserts: [entry(2, perHost + trial)], now: 0 });
    await shown;
    visible.push(performance.now() - started);
  }
  process.stdout.write(`shared TUI reader holds ${tuiReader.readEntries().length} rows\n`);
  report("one row written on gpu-2 → in another host's TUI rows (NOTIFY, fetch, merge)", visible);
  tuiReader.close();

  // A host's `ckpt watch` publishes after each local commit: one new row against its 12,500 published.
  const hostLocal = openCatalogForWriting(join(dir.path, "host.db"), { now: () => 0 });
  const hostStore = sqliteCatalogStore(hostLocal, { host: "gpu-9" });
  for (let start = 0; start < perHost; start += 2500)
    await hostStore.applyChanges({
      upserts: Array.from({ length: Math.min(2500, perHost - start) }, (_, i) => entry(9, start + i)),
      now: 0,
    });
  const publisher = await openPostgresCatalogStore(url, { host: "gpu-9" });
  const first = performance.now();
  let state = (await publishHostRows(hostLocal, publisher)).published;
  process.stdout.write(
    `first publication of ${perHost} rows by one host: ${((performance.now() - first) / 1000).toFixed(2)} s\n`,
  );
  let next = perHost;
  report(
    `publication of 1 new row against ${perHost} published (per watch commit)`,
    await timedAsync(async () => {
      await hostStore.applyChanges({ upserts: [entry(9, next++)], now: 0 });
      state = (await publishHostRows(hostLocal, publisher, state)).published;
    }),
  );
  await Promise.all([...writers, reader, publisher].map((store) => store.close()));
  hostLocal.close();
  local.close();
} finally {
  await server.stop();
}
