import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tryLockCatalog } from "../../src/io/catalog/catalog-lock.ts";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const main = resolve(import.meta.dir, "../../src/main.ts");

function tree(root: string, runs: number, perRun: number): void {
  for (let run = 0; run < runs; run++) {
    for (let epoch = 0; epoch < perRun; epoch++) {
      writeCheckpoint(join(root, `run${run}/checkpoints/epoch=${epoch}.ckpt`), {
        sample: { exp: `run${run}`, epoch, hmean: epoch / 100 },
      });
    }
  }
}

describe("ckpt scan", () => {
  test("--json summary; a second scan finds everything unchanged", async () => {
    using dir = makeTempDir("scan-cli");
    tree(join(dir.path, "tree"), 2, 3);
    const args = ["scan", "tree", "--catalog", "state/catalog.db", "--json"];
    const first = await runCliInProcess(args, { cwd: dir.path });
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      added: 6,
      updated: 0,
      removed: 0,
      unchanged: 0,
      failed: 0,
      sidecars_written: 0,
    });
    const second = await runCliInProcess(["scan", "--catalog", "state/catalog.db", "--json"], {
      cwd: dir.path,
    });
    expect(JSON.parse(second.stdout)).toMatchObject({
      added: 0,
      unchanged: 6,
      roots: [join(dir.path, "tree")],
    });
  });

  test("a daemon holding the catalog that cannot be asked: scan refuses, names it and what to do", async () => {
    using dir = makeTempDir("scan-daemon");
    const catalog = join(dir.path, "catalog.db");
    const lock = tryLockCatalog(catalog, { command: "watch", now: Date.now, pid: 4242 });
    if (!lock.success) throw new Error("lock");
    try {
      // In process there is no process seam to reach a socket with; a real daemon is asked (daemon-roots.test.ts).
      const result = await runCliInProcess(["scan", ".", "--catalog", catalog], { cwd: dir.path });
      expect(result).toEqual({
        exitCode: 1,
        stdout: "",
        stderr: `ckpt: scan: ckpt watch (pid 4242) holds ${catalog} but could not be asked to scan (this embedding of ckpt cannot reach its control socket); 'ckpt status' shows what it watches, or stop it with 'ckpt stop' and scan again\n`,
      });
    } finally {
      lock.data.release();
    }
  });

  test("concurrent scans in separate processes: the second waits, nothing is lost", async () => {
    using dir = makeTempDir("scan-concurrent");
    tree(join(dir.path, "a"), 10, 15);
    tree(join(dir.path, "b"), 10, 15);
    const catalog = join(dir.path, "catalog.db");
    const spawn = (root: string) =>
      Bun.spawn([process.execPath, main, "scan", root, "--catalog", catalog, "--json"], {
        cwd: dir.path,
        stdout: "pipe",
        stderr: "pipe",
        env: { PATH: process.env["PATH"] ?? "" },
      });
    const children = [spawn("a"), spawn("b")];
    const results = await Promise.all(
      children.map(async (child) => ({
        code: await child.exited,
        out: await new Response(child.stdout).text(),
      })),
    );
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    expect(results.map((result) => JSON.parse(result.out).added)).toEqual([150, 150]);
    const listed = await runCliInProcess(["stats", "--catalog", catalog, "--json"], { cwd: dir.path });
    expect(JSON.parse(listed.stdout)).toMatchObject({ checkpoints: 300, sidecars_valid: 300, runs: 20 });
  });
});

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
// Root reads anything; the unreadable directory is real only for another user.
const asNobody = isRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];

test("a directory that became unreadable keeps its rows; the problem is reported with its path", () => {
  using dir = makeTempDir("scan-unreadable");
  const root = join(dir.path, "tree");
  tree(root, 2, 2);
  const locked = join(root, "run1", "checkpoints");
  // An HF checkpoint directory is a catalogued unit: unreadable, its row must stay as well.
  const hf = join(root, "hf", "checkpoint-5");
  mkdirSync(hf, { recursive: true });
  writeFileSync(join(hf, "trainer_state.json"), '{"global_step": 5, "epoch": 1.0, "log_history": []}');
  writeFileSync(join(hf, "config.json"), '{"architectures": ["BertModel"]}');
  if (isRoot) {
    Bun.spawnSync(["chown", "-R", `${NOBODY}:${NOBODY}`, dir.path]);
  }
  const scan = () => {
    const result = Bun.spawnSync(
      [...asNobody, process.execPath, main, "scan", root, "--catalog", join(dir.path, "c.db"), "--json"],
      { stdout: "pipe", stderr: "pipe" },
    );
    return {
      code: result.exitCode,
      summary: JSON.parse(result.stdout.toString()),
      stderr: result.stderr.toString(),
    };
  };
  expect(scan().summary).toMatchObject({ added: 5, failed: 0 });
  // Its sidecar, written inside the HF directory, does not make the directory look changed.
  expect(scan().summary).toMatchObject({
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 5,
    sidecars_written: 0,
  });
  chmodSync(locked, 0o000);
  chmodSync(hf, 0o000);
  try {
    const second = scan();
    expect(second.summary).toMatchObject({ added: 0, removed: 0, unchanged: 2 });
    expect(second.stderr).toContain(locked);
    expect(second.stderr).toContain(hf);
    expect(second.stderr).toContain("permission denied");
  } finally {
    chmodSync(locked, 0o755);
    chmodSync(hf, 0o755);
  }
  expect(scan().summary).toMatchObject({ added: 0, removed: 0, unchanged: 5 });
});
