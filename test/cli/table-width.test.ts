import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tableWidth } from "../../src/cli/table-width.ts";
import { textWidth } from "../../src/core/text/fit-text.ts";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const sink = (isTTY: boolean, columns?: number) => ({ write: () => {}, isTTY, columns });

describe("tableWidth", () => {
  test.each([
    ["COLUMNS wins, as GNU ls reads it", { COLUMNS: "100" }, sink(true, 80), 100],
    ["the terminal's width", {}, sink(true, 80), 80],
    ["a pipe has no width", {}, sink(false), undefined],
    ["a pipe with COLUMNS", { COLUMNS: "120" }, sink(false), 120],
    ["COLUMNS that is not a width is ignored", { COLUMNS: "wide" }, sink(true, 90), 90],
  ])("%s", (_name, env, stdout, expected) => {
    expect(tableWidth({ env, stdout })).toBe(expected);
  });
});

describe("ls and best fit the terminal", () => {
  test("narrowed to the terminal or COLUMNS, whole with --wide or in a pipe", async () => {
    using dir = makeTempDir("table-width");
    const deep = "runs/some_long_experiment_name/2026-11-22/14-52-56/lightning_logs/version_0/checkpoints";
    for (const epoch of [1, 2]) {
      writeCheckpoint(join(dir.path, deep, `dbnet-epoch0${epoch}-hmean0.9${epoch}11.ckpt`), {
        sample: { exp: "some_long_experiment_name", epoch, hmean: 0.9 + epoch / 100 },
      });
    }
    const catalog = join(dir.path, "catalog.db");
    const env = { CKPT_CATALOG: catalog };
    expect((await runCliInProcess(["scan", "runs"], { cwd: dir.path, env })).exitCode).toBe(0);
    const longest = (text: string) => Math.max(...text.trimEnd().split("\n").map(textWidth));
    for (const command of ["ls", "best"]) {
      const terminal = await runCliInProcess([command], { cwd: dir.path, env, tty: true, columns: 80 });
      expect([terminal.exitCode, longest(terminal.stdout) <= 80]).toEqual([0, true]);
      expect(terminal.stdout).toContain("…/dbnet-epoch02-hmean0.9211.ckpt");
      const asked = await runCliInProcess([command], { cwd: dir.path, env: { ...env, COLUMNS: "100" } });
      expect(longest(asked.stdout) <= 100).toBe(true);
      const wide = await runCliInProcess([command, "--wide"], { cwd: dir.path, env, tty: true, columns: 80 });
      const piped = await runCliInProcess([command], { cwd: dir.path, env });
      for (const whole of [wide.stdout, piped.stdout])
        expect(whole).toContain(`${deep}/dbnet-epoch02-hmean0.9211.ckpt`);
    }
  });
});
