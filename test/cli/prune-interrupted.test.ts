// A real `ckpt prune --yes` killed with SIGKILL mid-way: every checkpoint is whole where it was or gone with its
// sidecar, and the next prune finishes the job, leaving the catalog equal to the disk. And a file that cannot be
// moved (immutable) is reported while the rest goes on.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { spawnCkptChild } from "../helpers/ckpt-child.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const COUNT = 150;
const source = join(realFixtureRoot, "torch/tiny_cnn.safetensors");

/** `COUNT` copies of a real checkpoint in one run, each a second older than the next. */
function buildRun(dir: string): string {
  const run = join(dir, "runs", "run-a");
  mkdirSync(run, { recursive: true });
  const start = Date.now() - 3_600_000;
  for (let at = 0; at < COUNT; at++) {
    const path = join(run, `model-${String(at).padStart(4, "0")}.safetensors`);
    copyFileSync(source, path);
    const time = new Date(start + at * 1000);
    utimesSync(path, time, time);
  }
  return run;
}

const checkpointNames = (run: string) => readdirSync(run).filter((name) => name.endsWith(".safetensors"));

describe("an interrupted prune", () => {
  test("SIGKILL mid-way: nothing half-deleted; the next prune finishes and the catalog equals the disk", async () => {
    using dir = makeTempDir("prune-kill");
    const run = buildRun(dir.path);
    const catalog = join(dir.path, "catalog.db");
    const cli = (...args: string[]) =>
      runCliInProcess([...args, "--catalog", catalog], { cwd: dir.path, now: Date.now() });
    expect((await cli("scan", join(dir.path, "runs"))).exitCode).toBe(0);
    const bytes = readFileSync(source);
    const child = spawnCkptChild(
      ["prune", join(dir.path, "runs"), "--keep-last", "1", "--yes", "--catalog", catalog],
      { cwd: dir.path },
    );
    await waitFor(() => checkpointNames(run).length < COUNT - 20, {
      what: "the prune to be under way",
      timeoutMs: 40_000,
    });
    child.kill("SIGKILL");
    await child.exited;
    const left = checkpointNames(run);
    expect(left.length).toBeGreaterThan(1); // killed before the end
    for (const name of left) expect(readFileSync(join(run, name)).equals(bytes)).toBe(true);
    // The only checkpoints gone are whole in the trash or removed: no name is left half there.
    expect(readdirSync(run).filter((name) => name.includes("tmp")).length).toBe(0);

    const again = await cli("prune", join(dir.path, "runs"), "--keep-last", "1", "--yes");
    expect(again.exitCode).toBe(0);
    expect(checkpointNames(run)).toEqual([`model-${String(COUNT - 1).padStart(4, "0")}.safetensors`]);
    const sidecars = readdirSync(run).filter((name) => name.endsWith(".metadata.yaml"));
    expect(sidecars).toEqual([`model-${String(COUNT - 1).padStart(4, "0")}.metadata.yaml`]);
    const ls = await cli("ls", "--json", "--no-scan");
    expect((JSON.parse(ls.stdout) as { path: string }[]).map((entry) => entry.path)).toEqual([
      join(run, `model-${String(COUNT - 1).padStart(4, "0")}.safetensors`),
    ]);
    const trash = join(dir.path, "runs", ".ckpt-trash");
    expect(existsSync(trash) ? readdirSync(trash) : []).toEqual([]);
  });

  const chattr = Bun.spawnSync(["sh", "-c", 'command -v chattr && [ "$(id -u)" = 0 ]']).exitCode === 0;
  test.skipIf(!chattr)(
    "a checkpoint that cannot be moved is reported; the others are deleted (exit 1)",
    async () => {
      using dir = makeTempDir("prune-eperm");
      const run = join(dir.path, "runs", "run-b");
      mkdirSync(run, { recursive: true });
      for (let at = 0; at < 4; at++) {
        const path = join(run, `model-${at}.safetensors`);
        copyFileSync(source, path);
        utimesSync(
          path,
          new Date(Date.now() - 3_600_000 + at * 1000),
          new Date(Date.now() - 3_600_000 + at * 1000),
        );
      }
      const catalog = join(dir.path, "catalog.db");
      const cli = (...args: string[]) =>
        runCliInProcess([...args, "--catalog", catalog], { cwd: dir.path, now: Date.now() });
      await cli("scan", join(dir.path, "runs"), "--sidecars", "off");
      const stuck = join(run, "model-1.safetensors");
      expect(Bun.spawnSync(["chattr", "+i", stuck]).exitCode).toBe(0);
      try {
        const result = await cli("prune", join(dir.path, "runs"), "--keep-last", "1", "--yes");
        expect(result.exitCode).toBe(1);
        expect(result.stderr).toContain("model-1.safetensors permission denied");
        expect(checkpointNames(run).sort()).toEqual(["model-1.safetensors", "model-3.safetensors"]);
      } finally {
        Bun.spawnSync(["chattr", "-i", stuck]);
      }
    },
  );
});
