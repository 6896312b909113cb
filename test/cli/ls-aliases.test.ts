import { expect, test } from "bun:test";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

test("ls --json and best --json name each checkpoint's links in its aliases", async () => {
  using dir = makeTempDir("ls-aliases");
  const checkpoints = join(dir.path, "runs/dbnet/checkpoints");
  writeCheckpoint(join(checkpoints, "epoch=1.ckpt"), {
    sample: { exp: "dbnet_r50", epoch: 1, hmean: 0.81, precision: 0.8, recall: 0.82 },
  });
  symlinkSync("epoch=1.ckpt", join(checkpoints, "last.ckpt"));
  const catalog = join(dir.path, "catalog.db");
  const scanned = await runCliInProcess(["scan", "runs", "--catalog", catalog], { cwd: dir.path });
  expect(scanned.stderr).toBe("");
  for (const command of ["ls", "best"]) {
    const listed = await runCliInProcess([command, "runs", "--json", "--catalog", catalog], {
      cwd: dir.path,
    });
    expect(listed.stderr).toBe("");
    const entries = JSON.parse(listed.stdout) as { path: string; aliases: string[] }[];
    expect(entries.map((entry) => [entry.path, entry.aliases])).toEqual([
      [join(checkpoints, "epoch=1.ckpt"), [join(checkpoints, "last.ckpt")]],
    ]);
  }
});
