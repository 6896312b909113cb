import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { healthFactsFromEntries } from "../../../src/core/health/health-facts.ts";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { queryEntries } from "../../../src/io/catalog/catalog-reads.ts";
import { readHealthFacts } from "../../../src/io/catalog/sqlite-health-facts.ts";
import { healthWindows, readDiskHealth } from "../../../src/io/disk/disk-health-report.ts";
import { probeFilesystems } from "../../../src/io/disk/filesystem-space.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { buildHealthTree, HEALTH_TREE_MTIMES } from "../../helpers/health-tree.ts";
import { canMount, mountTmpfs } from "../../helpers/scratch-mount.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const mountable = canMount();

/** `df -B1` of the filesystem holding `path`, as a separate process: the oracle for statfs. */
function df(path: string): { avail: number; size: number; target: string; fstype: string } {
  const out = Bun.spawnSync(["df", "-B1", "--output=avail,size,target,fstype", path]).stdout.toString();
  const [avail, size, target, fstype] = (out.trim().split("\n")[1] ?? "").trim().split(/\s+/);
  return { avail: Number(avail), size: Number(size), target: target ?? "", fstype: fstype ?? "" };
}

test.skipIf(!mountable)("free space per filesystem equals df's, one entry per device", () => {
  using dir = makeTempDir("health-space");
  using mount = mountTmpfs(join(dir.path, "data"), { sizeKb: 8192 });
  if (mount === null) throw new Error("tmpfs mount failed although canMount() said yes");
  mkdirSync(join(mount.path, "a"));
  mkdirSync(join(mount.path, "b"));
  const probe = probeFilesystems([
    join(mount.path, "a"),
    join(mount.path, "b"),
    dir.path,
    join(dir.path, "gone"),
  ]);
  const [tmpfs, outer] = [df(mount.path), df(dir.path)];
  expect(probe.filesystems.map(({ probe: _, dev: __, ...space }) => space)).toEqual([
    { mountPoint: mount.path, fsType: "tmpfs", freeBytes: tmpfs.avail, totalBytes: 8192 * 1024 },
    { mountPoint: outer.target, fsType: outer.fstype, freeBytes: expect.any(Number), totalBytes: outer.size },
  ]);
  expect(probe.unmeasured).toEqual([
    {
      path: join(dir.path, "gone"),
      problem: `ENOENT: no such file or directory, stat '${join(dir.path, "gone")}'`,
    },
  ]);
});

test.skipIf(!mountable)("health of real runs with controlled mtimes, on a tmpfs of known size", async () => {
  using dir = makeTempDir("health-report");
  using mount = mountTmpfs(join(dir.path, "data"), { sizeKb: 16_384 });
  if (mount === null) throw new Error("tmpfs mount failed although canMount() said yes");
  const now = Date.now();
  const sizes = buildHealthTree(mount.path, now);
  const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => now });
  try {
    await scanCatalog(database, { roots: [mount.path], sidecars: "off", now: () => now, workers: 0 });
    const health = readDiskHealth(database, { roots: [mount.path], nowMs: now });
    // Everything but old/only.pt (30 h ago) was written in the last 6 h; history began before the window.
    const recent = Object.entries(sizes).filter(([name]) => name !== "old/only.pt");
    const bytes = recent.reduce((total, [, size]) => total + size, 0);
    const free = df(mount.path).avail;
    expect(health.filesystems).toEqual([
      {
        mount_point: mount.path,
        fs_type: "tmpfs",
        free_bytes: free,
        total_bytes: 16_384 * 1024,
        bytes_per_hour: Math.round(bytes / 6),
        rate_source: { bytes, checkpoints: recent.length, span_seconds: 21_600 },
        rate_note: null,
        fills_in_seconds: Math.floor((free / (bytes / 6)) * 3600),
        // ~4 MB in 6 h into ~12 MB free: full in about 18 h, under the 24 h threshold.
        warning: true,
      },
    ]);
    const minutes = (name: string) => (HEALTH_TREE_MTIMES[name] ?? 0) * 60;
    expect(health.runs.stalled).toEqual([
      {
        run: join(mount.path, "lightning"),
        reason: "overdue",
        since_last_seconds: minutes("lightning/checkpoints/last.ckpt"),
        expected_interval_seconds: 1800,
        intervals: 3,
        path: null,
      },
      {
        run: join(mount.path, "partial"),
        reason: "incomplete",
        since_last_seconds: minutes("partial/b.ckpt"),
        expected_interval_seconds: null,
        intervals: null,
        path: join(mount.path, "partial/b.ckpt"),
      },
    ]);
    // old/ (30 h quiet) has ended: it is neither on pace nor short of history.
    expect([health.runs.on_pace, health.runs.too_little_history]).toEqual([1, 0]);
  } finally {
    database.close();
  }
});

test("the TUI's facts from loaded rows equal the SQL reader's, on the same catalog", async () => {
  using dir = makeTempDir("health-facts");
  const tree = join(dir.path, "tree");
  mkdirSync(tree);
  const now = Date.now();
  buildHealthTree(tree, now);
  const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => now });
  try {
    await scanCatalog(database, { roots: [tree], sidecars: "off", now: () => now, workers: 0 });
    const windows = healthWindows(now);
    const sorted = (facts: ReturnType<typeof readHealthFacts>) => ({
      // Any path of the device probes it: which one each reader picked is not compared.
      devices: facts.devices.map(({ samplePath: _, ...device }) => ({
        ...device,
        written: [...device.written].sort((a, b) => a.mtimeMs - b.mtimeMs || a.bytes - b.bytes),
      })),
      liveRuns: facts.liveRuns
        .map((run) => ({
          ...run,
          checkpoints: [...run.checkpoints].sort((a, b) => a.path.localeCompare(b.path)),
        }))
        .sort((a, b) => a.runDir.localeCompare(b.runDir)),
    });
    const fromSql = sorted(readHealthFacts(database, { roots: [tree], ...windows }));
    expect(sorted(healthFactsFromEntries(queryEntries(database, { roots: [tree] }), windows))).toEqual(
      fromSql,
    );
    expect([fromSql.devices[0]?.written.length, fromSql.liveRuns.length]).toEqual([10, 3]);
  } finally {
    database.close();
  }
});
