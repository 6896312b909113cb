import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const main = resolve(import.meta.dir, "../../src/main.ts");
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const asNobody = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];
/** As many pid-named temp links as the attack plants: the next few thousand pids cover the victim's scan. */
const PLANTED_PIDS = 3000;

/** What user 65534 plants in a world-writable sticky directory before root runs ckpt (issue 14, item 2). */
const PLANT = `
const fs = require("node:fs");
const { SHARED, VICTIM, FIRST_PID, COUNT } = process.env;
const dir = SHARED + "/ckpt-root";
fs.mkdirSync(dir);
fs.chmodSync(dir, 0o777);
fs.symlinkSync(SHARED + "/created_by_root", dir + "/catalog.db.lock");
for (let pid = Number(FIRST_PID); pid <= Number(FIRST_PID) + Number(COUNT); pid++)
  fs.symlinkSync(VICTIM, dir + "/catalog.db.pid." + pid + ".tmp");
`;

function lastPid(): number {
  try {
    return Number(readFileSync("/proc/sys/kernel/ns_last_pid", "utf8"));
  } catch {
    return process.pid;
  }
}

function attackScene(base: string) {
  chmodSync(base, 0o755);
  const shared = join(base, "shared");
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  const privateDir = join(base, "private");
  mkdirSync(privateDir, { mode: 0o700 });
  const victim = join(privateDir, "victim");
  writeFileSync(victim, "precious\n");
  const runs = join(base, "runs");
  mkdirSync(runs);
  writeFileSync(join(runs, "model.ckpt"), torchZipBytes({ fill: 3 }));
  const planted = Bun.spawnSync([...asNobody, process.execPath, "-e", PLANT], {
    env: { SHARED: shared, VICTIM: victim, FIRST_PID: String(lastPid()), COUNT: String(PLANTED_PIDS) },
    stderr: "pipe",
  });
  if (planted.exitCode !== 0) throw new Error(`planting failed: ${planted.stderr.toString()}`);
  return { shared, victim, runs, catalogDir: join(shared, "ckpt-root") };
}

function ckptAsRoot(base: string, args: readonly string[], catalog: string) {
  const result = Bun.spawnSync([process.execPath, main, ...args], {
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: base,
      XDG_RUNTIME_DIR: join(base, "rt"),
      XDG_STATE_HOME: join(base, "state"),
      CKPT_CATALOG: catalog,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { exitCode: result.exitCode, stderr: result.stderr.toString() };
}

describe.skipIf(!isRoot)("a catalog directory another user controls (uid 65534 against root)", () => {
  test("scan and watch refuse it: nothing is created, the victim is untouched, the message says why and what to do", () => {
    using dir = makeTempDir("state-attack");
    const scene = attackScene(dir.path);
    const catalog = join(scene.catalogDir, "catalog.db");
    const before = readdirSync(scene.catalogDir).sort();
    const refusal = `${scene.catalogDir} belongs to uid ${NOBODY} (mode 0777), not to you (uid 0): another user could replace or redirect the files ckpt keeps there`;
    for (const args of [
      ["scan", scene.runs],
      ["watch", scene.runs],
    ]) {
      const run = ckptAsRoot(dir.path, args, catalog);
      expect({ command: args[0], exitCode: run.exitCode, refused: run.stderr.includes(refusal) }).toEqual({
        command: args[0],
        exitCode: 2,
        refused: true,
      });
    }
    expect({
      victim: readFileSync(scene.victim, "utf8"),
      shared: readdirSync(scene.shared),
      catalogDir: readdirSync(scene.catalogDir).sort(),
      runs: readdirSync(scene.runs),
    }).toEqual({ victim: "precious\n", shared: ["ckpt-root"], catalogDir: before, runs: ["model.ckpt"] });
  });

  test("a read command refuses a catalog planted there rather than open it", () => {
    using dir = makeTempDir("state-attack");
    const scene = attackScene(dir.path);
    const planted = Bun.spawnSync([
      ...asNobody,
      "sh",
      "-c",
      `printf 'SQLite format 3' > ${join(scene.catalogDir, "catalog.db")}`,
    ]);
    expect(planted.exitCode).toBe(0);
    const run = ckptAsRoot(dir.path, ["ls"], join(scene.catalogDir, "catalog.db"));
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({
      exitCode: 2,
      stderr: `ckpt: ${scene.catalogDir} belongs to uid ${NOBODY} (mode 0777), not to you (uid 0): another user could replace or redirect the files ckpt keeps there; use a directory of your own (unset CKPT_CATALOG for the default ~/.local/state/ckpt), or have it removed so ckpt can create it\n`,
    });
  });
});

test("ckpt creates its state directory 0700 and every file in it 0600", () => {
  using dir = makeTempDir("state-modes");
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  writeFileSync(join(runs, "model.ckpt"), torchZipBytes({ fill: 5 }));
  const state = join(dir.path, "state", "ckpt");
  const run = ckptAsRoot(dir.path, ["scan", runs], join(state, "catalog.db"));
  expect(run.exitCode).toBe(0);
  const modes: Record<string, string> = { dir: (statSync(state).mode & 0o777).toString(8) };
  for (const name of readdirSync(state)) modes[name] = (statSync(join(state, name)).mode & 0o777).toString(8);
  expect(modes).toEqual({
    dir: "700",
    "catalog.db": "600",
    "catalog.db.lock": "600",
    "catalog.db.roots": "600",
  });
});
