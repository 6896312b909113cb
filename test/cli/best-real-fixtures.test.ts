// `ckpt best` over the framework-written runs, read in place (read commands never write into them), with a
// catalog of the test's own: each framework's own best, its real epoch, and every spelling of a metric.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { snapshotTree } from "../helpers/tree-snapshot.ts";

const hfRun = join(realFixtureRoot, "..", "runs", "hf-trainer");
const roots = [realFixtureRoot, hfRun];

type Picked = {
  readonly path: string;
  readonly epoch: number | null;
  readonly global_step: number | null;
  readonly ranked_by: { readonly name: string; readonly higher_is_better: boolean };
};

async function best(catalog: string, ...args: string[]) {
  const result = await runCliInProcess(["best", ...roots, "--catalog", catalog, "--json", ...args], {
    cwd: realFixtureRoot,
  });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout) as Picked[]).map((entry) => ({
    path: entry.path.replace(`${realFixtureRoot}/`, "").replace(`${hfRun}/`, "hf: "),
    epoch: entry.epoch,
    step: entry.global_step,
    by: entry.ranked_by,
  }));
}

const hmean = { name: "hmean", higher_is_better: true };
const lightning = "lightning/outputs";

describe("ckpt best on the real fixtures", () => {
  test(
    "each framework's own best: Lightning's monitor, Ultralytics best.pt by fitness, timm model_best, HF best_model_checkpoint",
    async () => {
      using dir = makeTempDir("best-real");
      const before = snapshotTree(realFixtureRoot);
      expect(await best(join(dir.path, "catalog.db"))).toEqual([
        {
          path: `${lightning}/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch04-hmean0.9811.ckpt`,
          epoch: 4,
          step: 40,
          by: hmean,
        },
        {
          path: `${lightning}/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=3-step=32-val/hmean=0.8819.ckpt`,
          epoch: 3,
          step: 32,
          by: hmean,
        },
        {
          path: `${lightning}/dbnet_r18_dev_legacy/2026-11-22/14-52-50/csv_logs/version_0/checkpoints/epoch=2-step=24.ckpt`,
          epoch: 2,
          step: 24,
          by: hmean,
        },
        {
          path: `${lightning}/dbnet_r18_dev_pl195/2026-11-22/14-53-07/checkpoints/2-24-0.8591.ckpt`,
          epoch: 2,
          step: 24,
          by: hmean,
        },
        {
          path: `${lightning}/dbnet_r18_dev_pl214/2026-11-22/14-53-02/csv_logs/version_0/checkpoints/epoch=0-step=8.ckpt`,
          epoch: 0,
          step: 8,
          by: hmean,
        },
        {
          path: "timm/output/train/20261122-145342-test_efficientnet-32/model_best.pth.tar",
          epoch: 2,
          step: null,
          by: { name: "accuracy", higher_is_better: true },
        },
        {
          path: "torch/legacy_format_checkpoint.pth",
          epoch: 5,
          step: null,
          by: { name: "best_acc1", higher_is_better: true },
        },
        {
          path: "ultralytics/runs/detect/train/weights/best.pt",
          epoch: 19,
          step: null,
          by: { name: "fitness", higher_is_better: true },
        },
        {
          path: "hf: trainer_run/checkpoint-4",
          epoch: 1,
          step: 4,
          by: { name: "validation_loss", higher_is_better: false },
        },
      ]);
      expect(snapshotTree(realFixtureRoot)).toEqual(before);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  test(
    "--metric takes every spelling of mAP50-95, shows it with its direction, and picks the highest",
    async () => {
      using dir = makeTempDir("best-spellings");
      const catalog = join(dir.path, "catalog.db");
      const spellings = [
        "mAP50-95",
        "map50-95",
        "map50_95",
        "MAP50-95",
        "metrics/mAP50-95(B)",
        "mAP50-95(B)",
      ];
      const picked = [];
      for (const spelling of spellings) picked.push(await best(catalog, "--overall", "--metric", spelling));
      const expected = {
        path: "ultralytics/runs/detect/train/weights/best.pt",
        epoch: 19,
        step: null,
        by: { name: "mAP50-95", higher_is_better: true },
      };
      expect(picked).toEqual(spellings.map(() => [expected]));
      const table = await runCliInProcess(
        ["best", ...roots, "--catalog", catalog, "--overall", "--metric", "map50_95"],
        { cwd: realFixtureRoot, tty: true, columns: 200 },
      );
      const [header, row] = table.stdout.split("\n").map((line) => line.trim().split(/\s{2,}/));
      expect({ header: header?.slice(3, 5), row: row?.slice(3, 5) }).toEqual({
        header: ["step", "map@.5:.95 ↑"],
        row: ["—", "3.93%"],
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  test(
    "a typo in --metric is exit 2 with the nearest names",
    async () => {
      using dir = makeTempDir("best-typo");
      const result = await runCliInProcess(
        ["best", ...roots, "--catalog", join(dir.path, "catalog.db"), "--metric", "map50_96"],
        { cwd: realFixtureRoot },
      );
      expect({ ...result, stderr: result.stderr.split("\n").at(-2) }).toEqual({
        exitCode: 2,
        stdout: "",
        stderr:
          "ckpt: best: unknown metric 'map50_96'. Did you mean 'map50-95'? Run 'ckpt best --metric help' to list them.",
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
