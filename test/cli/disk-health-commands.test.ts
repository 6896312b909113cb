// `ckpt stats` and `ckpt status` report free space, write rate, fill forecast and stalled runs: on real runs with
// controlled mtimes, a real SQLite catalog, in process with a fixed clock and as real processes beside a daemon.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { runCkpt, startDaemonReady } from "../helpers/daemon-process.ts";
import { buildHealthTree, HEALTH_TREE_MTIMES } from "../helpers/health-tree.ts";
import { HOSTILE_RUN, SHOWN_RUN, writeHostileCheckpoints } from "../helpers/hostile-names.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const dir = makeTempDir("disk-health-cli");
const tree = join(dir.path, "tree");
const catalog = join(dir.path, "state", "catalog.db");
const now = Date.now();
let sizes: Record<string, number> = {};

beforeAll(async () => {
  mkdirSync(tree);
  sizes = buildHealthTree(tree, now);
  const scan = await runCliInProcess(["scan", tree, "--catalog", catalog, "--sidecars", "off"], {
    cwd: dir.path,
    now,
  });
  expect(scan.exitCode).toBe(0);
});
afterAll(() => dir[Symbol.dispose]());

/** `df -B1` of the filesystem holding `path`, as a separate process. */
function df(path: string): { size: number; target: string; fstype: string } {
  const out = Bun.spawnSync(["df", "-B1", "--output=size,target,fstype", path]).stdout.toString();
  const [size, target, fstype] = (out.trim().split("\n")[1] ?? "").trim().split(/\s+/);
  return { size: Number(size), target: target ?? "", fstype: fstype ?? "" };
}

const minutes = (name: string) => (HEALTH_TREE_MTIMES[name] ?? 0) * 60;
const expectedStalled = () => [
  {
    run: join(tree, "lightning"),
    reason: "overdue",
    since_last_seconds: minutes("lightning/checkpoints/last.ckpt"),
    expected_interval_seconds: 1800,
    intervals: 3,
    path: null,
  },
  {
    run: join(tree, "partial"),
    reason: "incomplete",
    since_last_seconds: minutes("partial/b.ckpt"),
    expected_interval_seconds: null,
    intervals: null,
    path: join(tree, "partial/b.ckpt"),
  },
];

describe("ckpt stats", () => {
  test("--json: the health block, every number with its source", async () => {
    const result = await runCliInProcess(["stats", tree, "--catalog", catalog, "--json", "--no-scan"], {
      cwd: dir.path,
      now,
    });
    expect(result.exitCode).toBe(0);
    const { health } = JSON.parse(result.stdout);
    const recent = Object.entries(sizes).filter(([name]) => name !== "old/only.pt");
    const bytes = recent.reduce((total, [, size]) => total + size, 0);
    const disk = df(tree);
    const [fs] = health.filesystems;
    expect(health.filesystems).toHaveLength(1);
    expect({ ...fs, free_bytes: 0, fills_in_seconds: 0, warning: false }).toEqual({
      mount_point: disk.target,
      fs_type: disk.fstype,
      free_bytes: 0,
      total_bytes: disk.size,
      bytes_per_hour: Math.round(bytes / 6),
      rate_source: { bytes, checkpoints: recent.length, span_seconds: 21_600 },
      rate_note: null,
      fills_in_seconds: 0,
      warning: false,
    });
    // Free space moves with the other users of this disk: the forecast must follow from the free space reported.
    expect(fs.fills_in_seconds).toBe(Math.floor((fs.free_bytes / (bytes / 6)) * 3600));
    expect(health.runs).toEqual({
      stalled: expectedStalled(),
      on_pace: 1,
      too_little_history: 0,
      min_intervals: 3,
      stall_factor: 2,
      incomplete_limit_seconds: 3600,
      live_window_seconds: 86_400,
    });
  });

  test("for people: one line per filesystem and per stalled run", async () => {
    const result = await runCliInProcess(["stats", tree, "--catalog", catalog, "--no-scan"], {
      cwd: dir.path,
      now,
    });
    const lines = result.stdout.split("\n");
    const at = lines.indexOf("disk:");
    expect(lines[at + 1]).toStartWith(`  ${df(tree).target} (${df(tree).fstype}): `);
    expect(lines.slice(at + 2)).toEqual([
      "runs:   2 stalled, 1 on pace, 0 with too little history (fewer than 3 intervals), runs quiet for over 1d 0h not checked",
      `  stalled ${tree}/lightning: no checkpoint for 1h 10m; it saved every 30m 0s (median of its last 3 intervals)`,
      `  stalled ${tree}/partial: newest checkpoint incomplete for 2h 0m (the watcher gives up after 1h 0m): ${tree}/partial/b.ckpt`,
      "",
    ]);
  });
});

test("a stalled run named with control bytes is printed escaped, on one line", async () => {
  const hostile = join(dir.path, "hostile");
  const paths = writeHostileCheckpoints(hostile);
  const fourth = join(hostile, HOSTILE_RUN, "plain.ckpt");
  copyFileSync(paths[0] ?? "", fourth);
  [...paths, fourth].forEach((path, index) => {
    const time = new Date(now - (160 - index * 30) * 60_000);
    utimesSync(path, time, time);
  });
  const own = join(dir.path, "state", "hostile.db");
  const scan = await runCliInProcess(["scan", hostile, "--catalog", own, "--sidecars", "off"], {
    cwd: dir.path,
    now,
  });
  expect(scan.exitCode).toBe(0);
  const result = await runCliInProcess(["stats", hostile, "--catalog", own, "--no-scan"], {
    cwd: dir.path,
    now,
  });
  expect(result.stdout).not.toContain("\x1b");
  expect(result.stdout.split("\n")).toContain(
    `  stalled ${hostile}/${SHOWN_RUN}: no checkpoint for 1h 10m; it saved every 30m 0s (median of its last 3 intervals)`,
  );
});

describe("ckpt status", () => {
  const stalledNames = (health: { runs: { stalled: { run: string; reason: string }[] } }) =>
    health.runs.stalled.map((run) => [run.run, run.reason]);

  test("not running (exit 3), a real process: the catalog's roots' health all the same", async () => {
    const result = await runCkpt({ home: dir.path, catalog }, ["status", "--catalog", catalog, "--json"]);
    expect(result.exitCode).toBe(3);
    const status = JSON.parse(result.stdout);
    expect(status.running).toBe(false);
    // The real clock has moved on since the tree was made: the stalled runs are the same two.
    expect(stalledNames(status.health)).toEqual(expectedStalled().map((run) => [run.run, run.reason]));
  });

  test("beside a running daemon, as real processes: the watched roots' filesystems and stalled runs", async () => {
    const environment = { home: dir.path, catalog };
    const daemon = await startDaemonReady(environment, [tree]);
    try {
      const json = await runCkpt(environment, ["status", "--json", "--catalog", catalog]);
      expect(json.exitCode).toBe(0);
      const status = JSON.parse(json.stdout);
      expect(status).toMatchObject({ running: true, roots: [tree] });
      expect(status.health.filesystems.map((fs: { mount_point: string }) => fs.mount_point)).toEqual([
        df(tree).target,
      ]);
      // The real clock has moved on since the tree was made: the stalled runs are the same two.
      expect(
        status.health.runs.stalled.map((run: { run: string; reason: string }) => [run.run, run.reason]),
      ).toEqual([
        [join(tree, "lightning"), "overdue"],
        [join(tree, "partial"), "incomplete"],
      ]);
      const text = await runCkpt(environment, ["status", "--catalog", catalog]);
      expect(text.stdout).toContain(`ckpt watch is running (pid ${daemon.pid}`);
      expect(text.stdout).toContain(`  stalled ${tree}/lightning: no checkpoint for 1h 1`);
    } finally {
      daemon.process.kill("SIGTERM");
      await daemon.process.exited;
    }
  });
});
