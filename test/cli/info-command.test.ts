import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runCkpt, startDaemonReady } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

describe("ckpt info", () => {
  test("names every path ckpt uses, and whether a daemon keeps the catalog current", async () => {
    using dir = makeTempDir("info");
    const environment = { home: dir.path, catalog: join(dir.path, "state/ckpt/catalog.db") };
    const before = await runCkpt(environment, ["info", "--json"]);
    expect(before.exitCode).toBe(0);
    const idle = JSON.parse(before.stdout);
    expect({
      catalog: idle.catalog,
      lock: idle.lock_file,
      state: idle.state_dir,
      log: idle.daemon_log,
      daemon: idle.daemon,
    }).toEqual({
      catalog: { path: environment.catalog, source: "default", exists: false, bytes: null, problem: null },
      lock: `${environment.catalog}.lock`,
      state: join(dir.path, "state/ckpt"),
      log: join(dir.path, "state/ckpt/daemon.log"),
      daemon: { running: false, pid: null, detail: "not running for this catalog" },
    });
    expect(idle.socket).toStartWith(join(dir.path, "rt/ckpt/"));

    const runs = join(dir.path, "runs");
    mkdirSync(runs);
    const daemon = await startDaemonReady(environment, [runs]);
    try {
      const during = JSON.parse((await runCkpt(environment, ["info", "--json"])).stdout);
      expect([during.daemon.running, during.daemon.pid, during.catalog.exists]).toEqual([
        true,
        daemon.pid,
        true,
      ]);
      const text = await runCkpt(environment, ["info"]);
      expect(text.stdout).toContain(`daemon      running, pid ${daemon.pid}`);
    } finally {
      daemon.process.kill("SIGTERM");
      await daemon.process.exited;
    }
  });

  test("describes a catalog that does not exist yet without creating it", async () => {
    using dir = makeTempDir("info-nfs");
    const environment = { home: dir.path, catalog: join(dir.path, "c.db") };
    const result = await runCkpt(environment, ["info", "--catalog", join(dir.path, "nowhere/c.db")]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`catalog     ${join(dir.path, "nowhere/c.db")} (flag; not created yet)`);
    expect(existsSync(join(dir.path, "nowhere"))).toBe(false);
  });
});
