import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { sampleEntry, TEST_NOW, writeCatalog } from "../helpers/tui-catalog.ts";

describe("ckpt tui without a terminal", () => {
  test("prints the ls table and says why on stderr", async () => {
    using dir = makeTempDir("tui-cmd");
    const catalog = join(dir.path, "catalog.db");
    writeCatalog(catalog, { entries: [sampleEntry("dbnet_a", "last.ckpt", { epoch: 3, global_step: 300 })] });
    const result = await runCliInProcess(["tui", "--readonly", "--catalog", catalog], {
      cwd: dir.path,
      now: TEST_NOW,
    });
    expect(result).toEqual({
      exitCode: 0,
      stdout: [
        "experiment  arch   epoch  step  h-mean  precision  recall  val loss    size  age  status  path",
        "dbnet_a     dbnet      3   300  80.00%     79.00%  99.00%    0.7800  144 KB   5m  ok      /runs/dbnet_a/checkpoints/last.ckpt",
        "",
      ].join("\n"),
      stderr: "ckpt tui: standard output is not a terminal, so here is the 'ckpt ls' table instead\n",
    });
  });

  test("--help names every option", async () => {
    using dir = makeTempDir("tui-cmd-help");
    const result = await runCliInProcess(["tui", "--help"], { cwd: dir.path });
    expect(result.exitCode).toBe(0);
    for (const flag of ["--catalog", "--readonly", "--ascii", "--low-bandwidth"])
      expect(result.stdout).toContain(flag);
  });
});
