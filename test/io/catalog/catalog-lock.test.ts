import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogLockPaths, readLockHolder, tryLockCatalog } from "../../../src/io/catalog/catalog-lock.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const now = () => Date.UTC(2026, 0, 1);

describe("catalog lock", () => {
  for (const mechanism of ["flock", "exclusive-file"] as const) {
    test(`${mechanism}: one holder at a time, the pid file names it, release frees it`, () => {
      using dir = makeTempDir("lock");
      const path = join(dir.path, "state/catalog.db");
      const first = tryLockCatalog(path, { command: "watch", now, mechanism, pid: process.pid });
      if (!first.success) throw new Error("first lock failed");
      expect(first.data.mechanism).toBe(mechanism);
      const second = tryLockCatalog(path, { command: "scan", now, mechanism });
      expect(second).toEqual({
        success: false,
        error: { holder: { pid: process.pid, command: "watch", started_at: "2026-01-01T00:00:00.000Z" } },
      });
      first.data.release();
      expect(readLockHolder(path)).toBeNull();
      const third = tryLockCatalog(path, { command: "scan", now, mechanism });
      expect(third.success).toBe(true);
      if (third.success) third.data.release();
    });
  }

  test("exclusive-file: a lock file left by a dead process is taken over", () => {
    using dir = makeTempDir("lock-stale");
    const path = join(dir.path, "catalog.db");
    const exited = Bun.spawnSync(["true"]);
    const holder = { pid: exited.pid, command: "scan", started_at: "2020-01-01T00:00:00.000Z" };
    writeFileSync(catalogLockPaths(path).exclusive, JSON.stringify(holder));
    const lock = tryLockCatalog(path, { command: "scan", now, mechanism: "exclusive-file" });
    expect(lock.success).toBe(true);
    if (lock.success) lock.data.release();
  });

  test("flock: the kernel releases the lock when the holder dies", async () => {
    using dir = makeTempDir("lock-death");
    const path = join(dir.path, "catalog.db");
    const script = `import { tryLockCatalog } from ${JSON.stringify(join(import.meta.dir, "../../../src/io/catalog/catalog-lock.ts"))};
      const lock = tryLockCatalog(${JSON.stringify(path)}, { command: "watch", now: Date.now });
      process.stdout.write(lock.success ? "locked\\n" : "busy\\n");
      setInterval(() => {}, 1000);`;
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe" });
    const reader = child.stdout.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("locked\n");
    const busy = tryLockCatalog(path, { command: "scan", now });
    expect(busy.success ? "acquired" : busy.error.holder?.command).toBe("watch");
    child.kill("SIGKILL");
    await child.exited;
    const after = tryLockCatalog(path, { command: "scan", now });
    expect(after.success).toBe(true);
    if (after.success) after.data.release();
  });
});
