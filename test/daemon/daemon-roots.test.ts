// A running `ckpt watch` and the directories it does not watch (issue 13 §4): `ckpt scan`/`ls` of such a
// directory get it catalogued through the daemon, and `ckpt watch --add/--remove` change its roots.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  runCkpt,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { snapshotTree } from "../helpers/tree-snapshot.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

type Setup = { environment: DaemonEnvironment; live: string; runs2: string; daemon: DaemonProcess };

/** A daemon watching `live`, and `runs2` beside it with two checkpoints it does not watch. */
async function setUp(prefix: string): Promise<Setup> {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const live = join(dir.path, "live");
  const runs2 = join(dir.path, "runs2");
  mkdirSync(live);
  mkdirSync(join(runs2, "exp"), { recursive: true });
  writeFileSync(join(runs2, "exp", "a.pt"), torchZipBytes({ fill: 1 }));
  writeFileSync(join(runs2, "exp", "b.pt"), torchZipBytes({ fill: 2 }));
  const environment = { home: dir.path, catalog: join(dir.path, "state", "catalog.db") };
  const daemon = await startDaemonReady(environment, [live]);
  cleanups.push(() => daemon.process.kill("SIGKILL"));
  return { environment, live, runs2, daemon };
}

function pathsUnder(catalog: string, directory: string): string[] {
  return (
    withCatalog(catalog, (database) =>
      database
        .query<{ path: string }, [string]>(
          "SELECT path FROM checkpoints WHERE substr(path, 1, length(?1)) = ?1 ORDER BY path",
        )
        .all(`${directory}/`)
        .map((row) => row.path),
    ) ?? []
  );
}

async function statusRoots(environment: DaemonEnvironment): Promise<string[]> {
  const status = await runCkpt(environment, ["status", "--json", "--catalog", environment.catalog]);
  return (JSON.parse(status.stdout) as { roots: string[] }).roots;
}

describe("a directory the running daemon does not watch", () => {
  test("ckpt scan DIR catalogs it through the daemon; a watched DIR names its root", async () => {
    const { environment, live, runs2, daemon } = await setUp("roots-scan");
    const catalogArgs = ["--catalog", environment.catalog];
    const scanned = await runCkpt(environment, ["scan", runs2, ...catalogArgs]);
    expect(scanned.stderr).toBe("");
    const [counts, ...rest] = scanned.stdout.split("\n");
    expect(counts).toMatch(/^2 added, 0 updated, 0 removed, 0 unchanged, 0 failed in [\d.]+ s$/);
    expect(rest).toEqual([
      "2 sidecars written",
      `catalog: ${environment.catalog}`,
      `scanned once by ckpt watch (pid ${daemon.pid}), which does not watch ${runs2}; 'ckpt watch --add DIR' keeps it current`,
      "",
    ]);
    expect(scanned.exitCode).toBe(0);
    expect(pathsUnder(environment.catalog, runs2)).toEqual([
      join(runs2, "exp", "a.pt"),
      join(runs2, "exp", "b.pt"),
    ]);
    expect(existsSync(join(runs2, "exp", "a.metadata.yaml"))).toBe(true);

    const watched = await runCkpt(environment, ["scan", join(live, "."), "--json", ...catalogArgs]);
    expect(JSON.parse(watched.stdout)).toEqual({
      roots: [],
      catalog: environment.catalog,
      daemon: { pid: daemon.pid },
      covered: [{ dir: live, root: live }],
    });
    mkdirSync(join(live, "sub"));
    const below = await runCkpt(environment, ["scan", join(live, "sub"), ...catalogArgs]);
    expect(below.stdout).toBe(
      `ckpt watch (pid ${daemon.pid}) keeps ${join(live, "sub")} current (it watches ${live}); nothing to do\n`,
    );
  }, 60_000);

  test("ls DIR is refreshed through the daemon in read mode and leaves DIR untouched", async () => {
    const { environment, runs2, daemon } = await setUp("roots-ls");
    const before = snapshotTree(runs2);
    const listed = await runCkpt(environment, ["ls", runs2, "--json", "--catalog", environment.catalog]);
    expect(listed.exitCode).toBe(0);
    expect((JSON.parse(listed.stdout) as { path: string }[]).map((entry) => entry.path)).toEqual([
      join(runs2, "exp", "a.pt"),
      join(runs2, "exp", "b.pt"),
    ]);
    expect(listed.stderr).toBe(
      "ckpt: 2 checkpoints have no sidecar; ls never writes one — 'ckpt scan DIR', 'ckpt convert' or 'ckpt watch DIR' do\n",
    );
    expect(snapshotTree(runs2)).toEqual(before);
    await daemon.waitForLog(
      (line) => line.msg === "scanned on request" && line["sidecars"] === "read",
      "the daemon's read-only scan",
    );
  }, 60_000);

  test("watch --add watches DIR and catches it up, SIGHUP keeps it, --remove drops it and keeps its rows", async () => {
    const { environment, live, runs2, daemon } = await setUp("roots-add");
    const catalogArgs = ["--catalog", environment.catalog];
    const added = await runCkpt(environment, ["watch", "--add", runs2, ...catalogArgs]);
    expect(added).toEqual({
      exitCode: 0,
      stdout: `ckpt watch (pid ${daemon.pid}) now watches ${runs2}; caught up: 2 added, 0 updated, 0 removed, 0 unchanged, 0 failed\n`,
      stderr: "",
    });
    expect(await statusRoots(environment)).toEqual([live, runs2]);
    // Watched now: a new checkpoint there is indexed by its events.
    writeFileSync(join(runs2, "exp", "c.pt"), torchZipBytes({ fill: 3 }));
    await waitFor(() => pathsUnder(environment.catalog, runs2).length === 3, {
      what: "c.pt indexed by the watcher",
      timeoutMs: 20_000,
    });

    daemon.process.kill("SIGHUP");
    await daemon.waitForLog((line) => line.msg === "reloaded", "the SIGHUP reload", 20_000);
    expect(await statusRoots(environment)).toEqual([live, runs2]);

    const refusals = await Promise.all([
      runCkpt(environment, ["watch", "--add", join(runs2, "exp"), ...catalogArgs]),
      runCkpt(environment, ["watch", "--remove", join(runs2, "exp"), ...catalogArgs]),
    ]);
    expect(refusals).toEqual([
      {
        exitCode: 2,
        stdout: "",
        stderr: `ckpt: watch: ${join(runs2, "exp")} is watched already, as part of the root ${runs2}\n`,
      },
      {
        exitCode: 2,
        stdout: "",
        stderr: `ckpt: watch: ${join(runs2, "exp")} is not a root of this ckpt watch; its roots are ${live}, ${runs2}\n`,
      },
    ]);

    const removed = await runCkpt(environment, ["watch", "--remove", `${runs2}/`, ...catalogArgs]);
    expect(removed).toEqual({
      exitCode: 0,
      stdout: `ckpt watch (pid ${daemon.pid}): stopped watching ${runs2}; its checkpoints stay in the catalog\n`,
      stderr: "",
    });
    expect(await statusRoots(environment)).toEqual([live]);
    expect(pathsUnder(environment.catalog, runs2).length).toBe(3);
    const only = await runCkpt(environment, ["watch", "--remove", live, ...catalogArgs]);
    expect([only.exitCode, only.stderr]).toEqual([
      2,
      `ckpt: watch: ${live} is the only root of this ckpt watch; 'ckpt stop' stops it\n`,
    ]);
  }, 90_000);

  test("watch --add with no daemon running says so and exits 3", async () => {
    const dir = makeTempDir("roots-none");
    cleanups.push(() => dir[Symbol.dispose]());
    const environment = { home: dir.path, catalog: join(dir.path, "catalog.db") };
    const result = await runCkpt(environment, ["watch", "--add", dir.path, "--catalog", environment.catalog]);
    expect(result).toEqual({
      exitCode: 3,
      stdout: "",
      stderr: `ckpt: watch: ckpt watch is not running for ${environment.catalog}; start it with 'ckpt watch DIR…'\n`,
    });
  }, 30_000);
});
