import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const main = resolve(import.meta.dir, "../../src/main.ts");
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const asNobody = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];

function ckpt(options: {
  base: string;
  args: readonly string[];
  catalog: string;
  asUser?: readonly string[];
}) {
  const result = Bun.spawnSync([...(options.asUser ?? []), process.execPath, main, ...options.args], {
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: join(options.base, "home"),
      CKPT_CATALOG: options.catalog,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Root's catalog, built by a real scan, in a directory of `mode`; the tree around it is open to everyone. */
function rootsCatalog(base: string, mode: number): string {
  chmodSync(base, 0o755);
  const runs = join(base, "runs");
  mkdirSync(runs);
  writeFileSync(join(runs, "model.ckpt"), torchZipBytes({ fill: 9 }));
  const state = join(base, "state");
  mkdirSync(state, { mode: 0o700 });
  const catalog = join(state, "catalog.db");
  expect(ckpt({ base, args: ["scan", runs], catalog }).exitCode).toBe(0);
  chmodSync(state, mode);
  return catalog;
}

describe.skipIf(!isRoot)("another user (uid 65534) pointed at root's catalog", () => {
  for (const [what, mode, why] of [
    ["a 0700 directory", 0o700, "a directory on its path is closed to you"],
    ["a 0755 directory, the file 0600", 0o755, "the file is not readable by you"],
  ] as const) {
    test(`in ${what}: every command says permission denied (exit 2), never "empty" or "not running"`, () => {
      using dir = makeTempDir("other-user");
      const catalog = rootsCatalog(dir.path, mode);
      const denied = `ckpt: the catalog ${catalog} is another user's: permission denied (${why}); use your own catalog (unset CKPT_CATALOG, or pass --catalog PATH), or run ckpt as its owner\n`;
      for (const args of [["ls"], ["stats"], ["best"], ["status"], ["stop"]]) {
        const run = ckpt({ base: dir.path, args, catalog, asUser: asNobody });
        expect({ command: args[0], ...run }).toEqual({
          command: args[0],
          exitCode: 2,
          stdout: "",
          stderr: denied,
        });
      }
    });
  }

  test("a scan or watch of its own directory is refused the same way, before anything is written", () => {
    using dir = makeTempDir("other-user");
    const catalog = rootsCatalog(dir.path, 0o755);
    const mine = join(dir.path, "mine");
    mkdirSync(mine);
    chmodSync(mine, 0o777);
    for (const args of [
      ["scan", mine],
      ["watch", mine],
    ]) {
      const run = ckpt({ base: dir.path, args, catalog, asUser: asNobody });
      expect({ command: args[0], exitCode: run.exitCode, stderr: run.stderr }).toEqual({
        command: args[0],
        exitCode: 2,
        stderr: `ckpt: the catalog ${catalog} is another user's: permission denied (its lock file is not yours); use your own catalog (unset CKPT_CATALOG, or pass --catalog PATH), or run ckpt as its owner\n`,
      });
    }
  });
});
