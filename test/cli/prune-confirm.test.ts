// `ckpt prune` without --yes on a terminal asks before deleting; `n` (or anything but y) deletes nothing. A real
// process on a pseudo-terminal made by util-linux `script`.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const mainScript = resolve(import.meta.dir, "../../src/main.ts");
const hasScript = Bun.spawnSync(["sh", "-c", "command -v script"]).exitCode === 0;
const TIMM = "output/train/20261122-145342-test_efficientnet-32";

async function onTerminal(dir: string, answer: string): Promise<{ output: string; left: string[] }> {
  const root = join(dir, "runs");
  cpSync(join(realFixtureRoot, "timm"), root, { recursive: true });
  const catalog = join(dir, "catalog.db");
  await runCliInProcess(["scan", root, "--catalog", catalog], { cwd: dir });
  const command = [
    process.execPath,
    mainScript,
    "prune",
    root,
    "--keep-best",
    "1",
    "--include-active",
    "--catalog",
    catalog,
  ];
  const child = Bun.spawn(["script", "-qefc", command.map((part) => `'${part}'`).join(" "), "/dev/null"], {
    cwd: dir,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, TERM: "dumb" },
    stdin: new Blob([`${answer}\n`]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const output = (await new Response(child.stdout).text()).replaceAll("\r", "");
  expect(await child.exited).toBe(0);
  const left = readdirSync(join(root, TIMM))
    .filter((name) => name.endsWith(".pth.tar"))
    .sort();
  return { output, left };
}

describe.skipIf(!hasScript)("prune on a terminal", () => {
  test("y deletes what the plan showed", async () => {
    using dir = makeTempDir("prune-confirm-yes");
    const { output, left } = await onTerminal(dir.path, "y");
    expect(output).toContain("Delete them? [y/N] deleted 2 of 4 checkpoints");
    expect(left).toEqual(["last.pth.tar", "model_best.pth.tar"]);
  });

  test("n deletes nothing", async () => {
    using dir = makeTempDir("prune-confirm-no");
    const { output, left } = await onTerminal(dir.path, "n");
    expect(output).toContain("Delete them? [y/N] nothing was deleted");
    expect(left).toEqual([
      "checkpoint-1.pth.tar",
      "checkpoint-2.pth.tar",
      "last.pth.tar",
      "model_best.pth.tar",
    ]);
  });

  test("a plan that changed between the question and the answer deletes nothing", async () => {
    using dir = makeTempDir("prune-confirm-changed");
    const root = join(dir.path, "runs");
    cpSync(join(realFixtureRoot, "timm"), root, { recursive: true });
    const catalog = join(dir.path, "catalog.db");
    const cli = (args: string[], confirm?: (question: string) => Promise<boolean>) =>
      runCliInProcess([...args, "--catalog", catalog], {
        cwd: dir.path,
        now: Date.now(),
        tty: true,
        ...(confirm === undefined ? {} : { confirm }),
      });
    await cli(["scan", root]);
    const run = join(root, TIMM);
    const before = readdirSync(run).sort();
    // While the question waits, one of the checkpoints shown for deletion is removed by hand and the catalog
    // rescanned: the plan now deletes one, not the two the user said yes to.
    const answered = await cli(["prune", root, "--keep-best", "1", "--include-active"], async () => {
      rmSync(join(run, "checkpoint-1.pth.tar"));
      await cli(["scan", root]);
      return true;
    });
    expect(answered.stdout).toContain("2 of 4");
    expect([answered.exitCode, answered.stderr]).toEqual([
      1,
      expect.stringContaining("the checkpoints changed since the plan was shown; nothing was deleted"),
    ]);
    expect(readdirSync(run).sort()).toEqual(before.filter((name) => name !== "checkpoint-1.pth.tar"));
  });
});
