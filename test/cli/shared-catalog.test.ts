// Several hosts, one PostgreSQL catalog: each host's ckpt (a process of its own, named by CKPT_HOST, with its own
// state directory) publishes its rows; any host's ls reads them all.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openPostgresCatalogStore } from "../../src/io/catalog/postgres-catalog-store.ts";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { runCkpt, startDaemonReady } from "../helpers/daemon-process.ts";
import { postgresPerFile } from "../helpers/postgres-server.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const pg = postgresPerFile();

/** One simulated machine: its own home (state dir, local catalog) and host name, the shared catalog's URL. */
function host(root: string, name: string, url: string) {
  return { home: join(root, name), catalog: url, asUser: ["env", `CKPT_HOST=${name}`] };
}

function tree(root: string, run: string, epochs: number): void {
  for (let epoch = 0; epoch < epochs; epoch++)
    writeCheckpoint(join(root, run, `epoch=${epoch}.ckpt`), {
      sample: { exp: run, epoch, hmean: epoch / 10 },
    });
}

type Listed = { path: string; host: string; exp_name: string };

async function listed(machine: ReturnType<typeof host>, args: readonly string[] = []): Promise<Listed[]> {
  const result = await runCkpt(machine, ["ls", "--catalog", machine.catalog, "--json", ...args]);
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as Listed[];
}

describe("a shared PostgreSQL catalog", () => {
  test("two hosts scan their own trees; a third lists both, and --host picks one", async () => {
    using dir = makeTempDir("shared-scan");
    const url = await pg.server.createDatabase("scans");
    const [a, b, reader] = ["gpu-a", "gpu-b", "laptop"].map((name) => host(dir.path, name, url)) as [
      ReturnType<typeof host>,
      ReturnType<typeof host>,
      ReturnType<typeof host>,
    ];
    tree(join(dir.path, "data-a"), "detr", 2);
    tree(join(dir.path, "data-b"), "yolo", 3);
    const scanA = await runCkpt(a, ["scan", join(dir.path, "data-a"), "--catalog", url]);
    const scanB = await runCkpt(b, ["scan", join(dir.path, "data-b"), "--catalog", url]);
    expect([scanA.exitCode, scanB.exitCode]).toEqual([0, 0]);
    expect(scanA.stdout).toContain("as host gpu-a: 2 rows updated, 0 removed");
    const all = await listed(reader, ["--sort", "path"]);
    expect(all.map((entry) => [entry.host, entry.exp_name])).toEqual([
      ["gpu-a", "detr"],
      ["gpu-a", "detr"],
      ["gpu-b", "yolo"],
      ["gpu-b", "yolo"],
      ["gpu-b", "yolo"],
    ]);
    expect((await listed(reader, ["--host", "gpu-b"])).map((entry) => entry.host)).toEqual([
      "gpu-b",
      "gpu-b",
      "gpu-b",
    ]);
    const typo = await runCkpt(reader, ["ls", "--catalog", url, "--host", "gpu-c"]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain("unknown host 'gpu-c'. Did you mean 'gpu-a' or 'gpu-b'?");
    const table = await runCkpt(reader, ["ls", "--catalog", url, "--wide"]);
    expect(table.stdout.split("\n")[0]).toMatch(/status\s+host\s+path/);
    const piped = await runCkpt(reader, ["tui", "--catalog", url]);
    expect(piped.stderr).toContain("not a terminal, so here is the 'ckpt ls' table instead");
    expect(piped.stdout).toMatch(/gpu-a\s+.*data-a/);
    expect(piped.stdout).toMatch(/gpu-b\s+.*data-b/);
    // A checkpoint deleted on one host leaves that host's rows on its next scan, and only that host's.
    rmSync(join(dir.path, "data-b", "yolo", "epoch=2.ckpt"));
    const rescan = await runCkpt(b, ["scan", join(dir.path, "data-b"), "--catalog", url]);
    expect(rescan.stdout).toContain("as host gpu-b: 0 rows updated, 1 removed");
    const hosts = (await listed(reader)).map((entry) => entry.host);
    expect(hosts.sort()).toEqual(["gpu-a", "gpu-a", "gpu-b", "gpu-b"]);
  });

  test("a checkpoint that ckpt watch indexes on one host wakes another host's listener", async () => {
    using dir = makeTempDir("shared-watch");
    const url = await pg.server.createDatabase("watch");
    const watcher = host(dir.path, "gpu-a", url);
    const root = join(dir.path, "runs");
    tree(root, "detr", 1);
    const daemon = await startDaemonReady(watcher, [root]);
    const listener = await openPostgresCatalogStore(url, { host: "laptop" });
    try {
      const published = await waitFor(
        () => daemon.lines.find((line) => line.msg === "published to the shared catalog"),
        {
          what: "the first publication",
        },
      );
      expect(published["upserted"]).toBe(1);
      let woken = 0;
      const stop = await listener.onChange(() => woken++);
      writeCheckpoint(join(root, "detr", "epoch=1.ckpt"), { sample: { exp: "detr", epoch: 1, hmean: 0.5 } });
      await waitFor(() => woken > 0, { what: "a NOTIFY from gpu-a's watcher", timeoutMs: 30_000 });
      await stop();
      const entries = await listener.listEntries({ roots: [], hosts: ["gpu-a"] });
      expect(entries.map((entry) => entry.epoch)).toEqual([0, 1]);
    } finally {
      daemon.process.kill("SIGTERM");
      await daemon.process.exited;
      await listener.close();
    }
  });

  test("ckpt metrics reads a run's series from the shared catalog, as the host that logged it reads its own", async () => {
    using dir = makeTempDir("shared-metrics");
    const url = await pg.server.createDatabase("metrics");
    const [a, b, reader] = ["gpu-a", "gpu-b", "laptop"].map((name) => host(dir.path, name, url)) as [
      ReturnType<typeof host>,
      ReturnType<typeof host>,
      ReturnType<typeof host>,
    ];
    // The same real YOLO run (results.csv) at the same path on two hosts.
    const data = join(dir.path, "data");
    cpSync(join(realFixtureRoot, "ultralytics/runs/detect/train"), join(data, "train"), { recursive: true });
    const best = join(data, "train", "weights", "best.pt");
    expect((await runCkpt(a, ["scan", data, "--catalog", url])).exitCode).toBe(0);
    const own = await runCkpt(a, ["metrics", best, "--no-scan", "--json"]);
    expect(own.exitCode).toBe(0);
    const shared = await runCkpt(reader, ["metrics", best, "--catalog", url, "--json"]);
    expect(shared.stderr).toBe("");
    expect(JSON.parse(shared.stdout)).toEqual(JSON.parse(own.stdout));
    expect(JSON.parse(shared.stdout).series.length).toBeGreaterThan(5);
    const typo = await runCkpt(reader, ["metrics", best, "--catalog", url, "--metric", "mAP5O"]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain("unknown metric 'mAP5O'. Did you mean 'map50'?");
    expect((await runCkpt(b, ["scan", data, "--catalog", url])).exitCode).toBe(0);
    const twice = await runCkpt(reader, ["metrics", best, "--catalog", url]);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain("is catalogued on 2 hosts (gpu-a, gpu-b); pick one with --host");
    const picked = await runCkpt(reader, ["metrics", best, "--catalog", url, "--host", "gpu-b", "--json"]);
    expect(JSON.parse(picked.stdout)).toEqual(JSON.parse(own.stdout));
  });
});
