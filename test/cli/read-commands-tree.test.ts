// Read commands never create or change a file in the user's directories (issue 13 §3): every one of them runs on
// a copy of the real fixtures, and the tree must be byte-identical afterwards. The catalog lives outside the tree.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startEmbeddedWatcher } from "../../src/daemon/embedded-watcher.ts";
import { runCkpt, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { snapshotTree, type TreeEntry } from "../helpers/tree-snapshot.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const FIXTURES = join(import.meta.dir, "../fixtures/real");

const dir = makeTempDir("read-commands");
const tree = join(dir.path, "tree");
let before: TreeEntry[] = [];
let sidecarWorthy = 0;
let checkpoints: string[] = [];
let catalogs = 0;

/** A catalog of its own per command, so each one's refresh has the whole tree to read. */
function freshCatalog(): string {
  catalogs++;
  return join(dir.path, "state", `catalog-${catalogs}.db`);
}

beforeAll(async () => {
  mkdirSync(join(dir.path, "state"));
  cpSync(FIXTURES, tree, { recursive: true, verbatimSymlinks: true });
  before = snapshotTree(tree);
  const catalog = freshCatalog();
  const listed = await runCliInProcess(["ls", tree, "--json", "--catalog", catalog], { cwd: dir.path });
  const entries = JSON.parse(listed.stdout) as { path: string; status: string }[];
  checkpoints = entries.map((entry) => entry.path);
  // Only checkpoints read whole can get a sidecar; the broken ones are not counted as missing one.
  sidecarWorthy = entries.filter((entry) => ["ok", "unsafe"].includes(entry.status)).length;
});
afterAll(() => dir[Symbol.dispose]());

const cases: [string, (catalog: string) => string[], number][] = [
  ["ls DIR", (catalog) => ["ls", tree, "--catalog", catalog], 0],
  ["ls DIR --sidecars off", (catalog) => ["ls", tree, "--sidecars", "off", "--catalog", catalog], 0],
  ["ls --stats DIR", (catalog) => ["ls", "--stats", tree, "--catalog", catalog], 0],
  ["best DIR", (catalog) => ["best", tree, "--catalog", catalog], 0],
  ["stats DIR --json", (catalog) => ["stats", tree, "--json", "--catalog", catalog], 0],
  ["tui DIR without a terminal", (catalog) => ["tui", tree, "--catalog", catalog], 0],
  [
    "metrics CHECKPOINT",
    (catalog) => [
      "metrics",
      join(tree, "ultralytics/runs/detect/train/weights/best.pt"),
      "--catalog",
      catalog,
    ],
    0,
  ],
  ["show every checkpoint", () => ["show", ...checkpoints], 1],
  ["show --json every checkpoint", () => ["show", "--json", ...checkpoints], 1],
  ["inspect every checkpoint", () => ["inspect", ...checkpoints], 1],
  ["validate DIR", () => ["validate", tree], 1],
];

describe("read commands leave the user's tree byte-identical", () => {
  test("the copy holds checkpoints without sidecars, the case that used to get them written", () => {
    expect(checkpoints.length).toBeGreaterThan(10);
    expect(before.filter((entry) => entry.path.endsWith(".metadata.yaml"))).toEqual([]);
  });

  for (const [name, argv, exitCode] of cases) {
    test(name, async () => {
      const result = await runCliInProcess(argv(freshCatalog()), { cwd: dir.path });
      expect({
        exitCode: result.exitCode,
        stderr: result.exitCode === exitCode ? "" : result.stderr,
      }).toEqual({
        exitCode,
        stderr: "",
      });
      expect(snapshotTree(tree)).toEqual(before);
    });
  }

  test("ls DIR says once how to write the sidecars it did not write", async () => {
    const result = await runCliInProcess(["ls", tree, "--catalog", freshCatalog()], { cwd: dir.path });
    const hints = result.stderr.split("\n").filter((line) => line.includes("no sidecar"));
    expect(hints).toEqual([
      `ckpt: ${sidecarWorthy} checkpoints have no sidecar; ls never writes one — 'ckpt scan DIR', 'ckpt convert' or 'ckpt watch DIR' do`,
    ]);
  });

  test("--sidecars write on a read command is a usage error naming the commands that write", async () => {
    for (const command of ["ls", "best", "stats"]) {
      const result = await runCliInProcess(
        [command, tree, "--sidecars", "write", "--catalog", freshCatalog()],
        {
          cwd: dir.path,
        },
      );
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        "'ckpt scan DIR', 'ckpt convert --outputs-dir DIR' or 'ckpt watch DIR'",
      );
    }
    expect(snapshotTree(tree)).toEqual(before);
  });

  test("ls, best and stats as real processes", async () => {
    const environment = { home: dir.path, catalog: freshCatalog() };
    for (const command of ["ls", "best", "stats"]) {
      const result = await runCkpt(environment, [command, tree, "--catalog", environment.catalog]);
      expect([command, result.exitCode]).toEqual([command, 0]);
    }
    expect(snapshotTree(tree)).toEqual(before);
  }, 60_000);

  test("the TUI's embedded watcher catalogs DIR without writing into it", async () => {
    const catalog = freshCatalog();
    const watcher = await startEmbeddedWatcher([tree], catalog, {});
    try {
      const count = () =>
        withCatalog(
          catalog,
          (db) =>
            db.query<{ n: number }, []>("SELECT count(*) AS n FROM checkpoints WHERE alias_of IS NULL").get()
              ?.n,
        );
      await waitFor(() => count() === checkpoints.length, {
        what: "the start-up reconcile",
        timeoutMs: 30_000,
      });
      expect(await watcher.rescan()).toBe("reconcile queued");
    } finally {
      await watcher.stop();
    }
    expect(snapshotTree(tree)).toEqual(before);
  }, 60_000);
});
