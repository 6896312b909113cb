import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DaemonEnvironment, startDaemonReady, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function rows(catalog: string): string[] {
  return (
    withCatalog(catalog, (db) =>
      db
        .query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path")
        .all()
        .map((row) => row.path),
    ) ?? []
  );
}

describe("ckpt watch --poll (no inotify)", () => {
  test("new checkpoints (renamed into place and written in place) are indexed; a deletion drops the row", async () => {
    const dir = makeTempDir("daemon-poll");
    cleanups.push(() => dir[Symbol.dispose]());
    const environment: DaemonEnvironment = { home: dir.path, catalog: join(dir.path, "state", "catalog.db") };
    const runs = join(dir.path, "runs");
    const old = join(runs, "old", "checkpoints");
    const active = join(runs, "active", "checkpoints");
    mkdirSync(old, { recursive: true });
    mkdirSync(active, { recursive: true });
    // A run untouched for a week: polled by its directories only, but still watched.
    writeFileSync(join(old, "epoch=1.ckpt"), torchZipBytes({ fill: 1 }));
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    for (const path of [join(old, "epoch=1.ckpt"), old, join(runs, "old")])
      utimesSync(path, weekAgo, weekAgo);

    const daemon = await startDaemonReady(environment, [runs], ["--poll=1"]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    expect(daemon.lines.find((line) => line.msg === "watching")?.["mode"]).toContain("poll");
    expect(rows(environment.catalog)).toEqual([join(old, "epoch=1.ckpt")]);

    const temp = join(active, ".tmp-epoch=2.ckpt");
    writeFileSync(temp, torchZipBytes({ fill: 2 }));
    renameSync(temp, join(active, "epoch=2.ckpt"));
    writeFileSync(join(active, "epoch=3.ckpt"), torchZipBytes({ fill: 3 }));
    writeFileSync(join(old, "epoch=9.ckpt"), torchZipBytes({ fill: 9 }));
    const expected = [join(active, "epoch=2.ckpt"), join(active, "epoch=3.ckpt"), join(old, "epoch=1.ckpt")];
    await waitFor(() => rows(environment.catalog).length === 4, {
      what: "three new checkpoints indexed by polling",
    });
    expect(rows(environment.catalog)).toEqual([...expected, join(old, "epoch=9.ckpt")].sort());
    expect(existsSync(join(active, "epoch=3.metadata.yaml"))).toBe(true);

    rmSync(join(active, "epoch=2.ckpt"));
    await waitFor(() => !rows(environment.catalog).includes(join(active, "epoch=2.ckpt")), {
      what: "the deleted checkpoint's row dropped",
    });
    expect(existsSync(join(active, "epoch=2.metadata.yaml"))).toBe(false);
    daemon.process.kill("SIGTERM");
    expect(await daemon.process.exited).toBe(0);
  }, 30_000);
});
