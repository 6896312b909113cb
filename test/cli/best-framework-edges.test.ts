// Framework-written run shapes the real fixtures do not have, built file by file: an Ultralytics results.csv with a
// half-written last row, an Ultralytics 8.0 run dir reused by a second training, an Ultralytics classifier and
// segmenter, timm with `--eval-metric loss`, and an HF Trainer run with `greater_is_better: false`. `best` and `show` must answer as each framework would.
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputDict, inputFloat, type PickleInput } from "../../src/core/formats/pickle/pickle-input.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import {
  safetensorsBytes,
  scalarTensor,
  torchZipBytes,
  torchZipOfPickle,
  trainingArgsPickle,
  writeTree,
} from "../helpers/synthetic-checkpoints.ts";

const dir = mkdtempSync(join(tmpdir(), "ckpt-best-edges-"));
const catalog = join(dir, "catalog.db");

const floats = (values: Record<string, number>) =>
  inputDict(Object.fromEntries(Object.entries(values).map(([name, value]) => [name, inputFloat(value)])));

/** `best.pt`/`last.pt` after `strip_optimizer`: epoch −1, no optimizer/EMA/updates. */
function strippedUltralytics(
  version: string,
  trainMetrics?: Record<string, number>,
  task = "detect",
): Uint8Array {
  const checkpoint: Record<string, PickleInput> = {
    date: "2026-01-01T00:00:00",
    version,
    license: "AGPL-3.0 (https://ultralytics.com/license)",
    docs: "https://docs.ultralytics.com",
    epoch: -1,
    best_fitness: null,
    model: null,
    ema: null,
    updates: null,
    optimizer: null,
    train_args: inputDict({ task, name: "edge", epochs: 3 }),
  };
  if (trainMetrics) checkpoint["train_metrics"] = floats(trainMetrics);
  return torchZipBytes(inputDict(checkpoint));
}

const ROW_NAMES = ["metrics/precision(B)", "metrics/recall(B)", "metrics/mAP50(B)", "metrics/mAP50-95(B)"];
const metricsOf = (row: readonly number[]) =>
  Object.fromEntries(ROW_NAMES.map((name, i) => [name, row[i] ?? 0]));

// 8.3 results.csv: rows of epoch 1–3, then a row being written (no newline) with better values than any.
const appended = {
  header: `epoch,time,${ROW_NAMES.join(",")},val/box_loss`,
  rows: [
    [0.1, 0.1, 0.2, 0.1],
    [0.2, 0.2, 0.4, 0.3],
    [0.3, 0.3, 0.6, 0.2],
  ],
};
const appendedCsv = `${[
  appended.header,
  ...appended.rows.map((row, i) => `${i + 1},${i + 1}.5,${row.join(",")},3.${i}`),
].join("\n")}\n4,4.5,0.9,0.9,0.99,0.95,2`;

// 8.0 results.csv (every cell padded to 23, no time column): a first training of 3 epochs, then a second one
// in the same dir (exist_ok) whose epochs start again at 1.
const pad = (cells: readonly (string | number)[]) => cells.map((cell) => String(cell).padStart(23)).join(",");
const reusedCsv = `${[
  pad(["epoch", ...ROW_NAMES]),
  pad([1, 0.9, 0.9, 0.9, 0.9]),
  pad([2, 0.9, 0.9, 0.95, 0.95]),
  pad([3, 0.9, 0.9, 0.9, 0.9]),
  pad([1, 0.1, 0.1, 0.2, 0.1]),
  pad([2, 0.2, 0.2, 0.4, 0.3]),
  pad([3, 0.3, 0.3, 0.6, 0.2]),
].join("\n")}\n`;

// 8.0 results.csv of a classifier and of a segmenter: fitness is (top1 + top5) / 2, and boxes plus masks.
const classifyCsv = `${[
  pad(["epoch", "train/loss", "metrics/accuracy_top1", "metrics/accuracy_top5", "val/loss"]),
  pad([1, 2, 0.5, 0.9, 2]),
  pad([2, 1.5, 0.7, 0.8, 1.5]),
  pad([3, 1.2, 0.6, 0.95, 1.2]),
].join("\n")}\n`;
const MASK_NAMES = ["metrics/mAP50(M)", "metrics/mAP50-95(M)"];
const segmentCsv = `${[
  pad(["epoch", ...ROW_NAMES, ...MASK_NAMES]),
  pad([1, 0.5, 0.5, 0.5, 0.4, 0.1, 0.05]),
  pad([2, 0.5, 0.5, 0.3, 0.2, 0.6, 0.5]),
].join("\n")}\n`;

function timmCheckpoint(epoch: number, metric: number): Uint8Array {
  return torchZipBytes(
    inputDict({
      epoch,
      arch: "resnet18",
      state_dict: inputDict({ "fc.weight": scalarTensor(1) }, true),
      version: 2,
      args: inputDict({ model: "resnet18", eval_metric: "loss", experiment: "by-loss", checkpoint_hist: 3 }),
      metric: inputFloat(metric),
    }),
    "tmp.pth",
  );
}
const timmLosses = [0.9, 0.5, 0.7];

function hfCheckpoint(step: number): Record<string, Uint8Array | string> {
  const history = [4, 8]
    .filter((at) => at <= step)
    .map((at) => ({ eval_accuracy: at === 4 ? 0.7 : 0.9, step: at }));
  return {
    [`hf/out/checkpoint-${step}/trainer_state.json`]: JSON.stringify({
      epoch: step / 4,
      global_step: step,
      best_metric: 0.7,
      best_global_step: 4,
      best_model_checkpoint: "/old/place/out/checkpoint-4",
      log_history: history.map((entry) => ({ ...entry, epoch: entry.step / 4 })),
    }),
    [`hf/out/checkpoint-${step}/config.json`]: JSON.stringify({
      architectures: ["BertForSequenceClassification"],
    }),
    [`hf/out/checkpoint-${step}/model.safetensors`]: safetensorsBytes("w", 4),
    [`hf/out/checkpoint-${step}/training_args.bin`]: torchZipOfPickle(
      trainingArgsPickle({
        metric_for_best_model: "accuracy",
        greater_is_better: false,
        run_name: "/old/place/out",
      }),
      "training_args",
    ),
  };
}

beforeAll(() => {
  writeTree(join(dir, "runs"), {
    "yolo/appended/results.csv": appendedCsv,
    "yolo/appended/weights/best.pt": strippedUltralytics("8.3.100", {
      ...metricsOf(appended.rows[1] ?? []),
      fitness: 0.31,
    }),
    "yolo/appended/weights/last.pt": strippedUltralytics("8.3.100", {
      ...metricsOf(appended.rows[2] ?? []),
      fitness: 0.24,
    }),
    "yolo/reused/results.csv": reusedCsv,
    "yolo/reused/weights/best.pt": strippedUltralytics("8.0.208"),
    "yolo/reused/weights/last.pt": strippedUltralytics("8.0.208"),
    "yolo/cls/results.csv": classifyCsv,
    "yolo/cls/weights/best.pt": strippedUltralytics("8.0.208", undefined, "classify"),
    "yolo/seg/results.csv": segmentCsv,
    "yolo/seg/weights/best.pt": strippedUltralytics("8.0.208", undefined, "segment"),
    "timm/output/train/by-loss/args.yaml":
      "checkpoint_hist: 3\neval_metric: loss\nexperiment: by-loss\nmodel: resnet18\n",
    "timm/output/train/by-loss/summary.csv": `epoch,train_loss,eval_loss,eval_top1\n${timmLosses
      .map((loss, epoch) => `${epoch},1.0,${loss},${50 + 10 * epoch}`)
      .join("\n")}\n`,
    ...Object.fromEntries(
      timmLosses.map((loss, epoch) => [
        `timm/output/train/by-loss/checkpoint-${epoch}.pth.tar`,
        timmCheckpoint(epoch, loss),
      ]),
    ),
    "timm/output/train/by-loss/model_best.pth.tar": timmCheckpoint(1, 0.5),
    "timm/output/train/by-loss/last.pth.tar": timmCheckpoint(2, 0.7),
    ...hfCheckpoint(4),
    ...hfCheckpoint(8),
  });
});

async function cli(...args: string[]) {
  const withCatalog = args[0] === "best" ? ["--catalog", catalog] : [];
  const result = await runCliInProcess([...args, ...withCatalog, "--json"], { cwd: dir });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return result.stdout;
}

type Shown = {
  exp_name: string;
  training: { epoch: number };
  checkpointing: { monitor: string; mode: string };
  ckpt: { primary_metric: unknown; sources: Record<string, string> };
};

async function shown(path: string) {
  const metadata = JSON.parse(await cli("show", join("runs", path))) as Shown;
  const { sources } = metadata.ckpt;
  return {
    exp: metadata.exp_name,
    epoch: [metadata.training.epoch, sources["training.epoch"]],
    primary: [metadata.ckpt.primary_metric, sources["ckpt.primary_metric"]],
    checkpointing: [
      metadata.checkpointing.monitor,
      metadata.checkpointing.mode,
      sources["checkpointing.mode"],
    ],
  };
}

describe("each framework's best on run shapes beyond the fixtures", () => {
  test(
    "best: Ultralytics best.pt (half-written row ignored; reused dir: the latest training), timm by loss, HF lower accuracy",
    async () => {
      const picks = JSON.parse(await cli("best", "runs")) as { path: string; ranked_by: unknown }[];
      expect(picks.map((pick) => [pick.path.slice(dir.length + 1), pick.ranked_by])).toEqual([
        ["runs/hf/out/checkpoint-4", { name: "accuracy", higher_is_better: false }],
        [
          "runs/timm/output/train/by-loss/model_best.pth.tar",
          { name: "validation_loss", higher_is_better: false },
        ],
        ["runs/yolo/appended/weights/best.pt", { name: "fitness", higher_is_better: true }],
        ["runs/yolo/cls/weights/best.pt", { name: "fitness", higher_is_better: true }],
        ["runs/yolo/reused/weights/best.pt", { name: "fitness", higher_is_better: true }],
        ["runs/yolo/seg/weights/best.pt", { name: "fitness", higher_is_better: true }],
      ]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  const cases: [string, string, Awaited<ReturnType<typeof shown>>][] = [
    [
      "Ultralytics 8.3 stripped best.pt: the row of its train_metrics, not the half-written one",
      "yolo/appended/weights/best.pt",
      {
        exp: "edge",
        epoch: [1, "results.csv@epoch=1 (the row of its train_metrics)"],
        primary: [
          { name: "fitness", value: 0.31, higher_is_better: true },
          "monitor, checkpoint:train_metrics",
        ],
        checkpointing: ["fitness", "max", "ultralytics"],
      },
    ],
    [
      "Ultralytics 8.3 stripped last.pt",
      "yolo/appended/weights/last.pt",
      {
        exp: "edge",
        epoch: [2, "results.csv@epoch=2 (the row of its train_metrics)"],
        primary: [
          { name: "fitness", value: 0.24, higher_is_better: true },
          "monitor, checkpoint:train_metrics",
        ],
        checkpointing: ["fitness", "max", "ultralytics"],
      },
    ],
    [
      "Ultralytics 8.0 best.pt in a reused dir: the highest fitness of the latest training, computed",
      "yolo/reused/weights/best.pt",
      {
        exp: "edge",
        epoch: [1, "results.csv@epoch=1 (the highest 0.1·mAP50(B) + 0.9·mAP50-95(B))"],
        primary: [
          { name: "fitness", value: 0.1 * 0.4 + 0.9 * 0.3, higher_is_better: true },
          "monitor, 0.1·mAP50(B) + 0.9·mAP50-95(B) of results.csv@epoch=1 (ultralytics 8.0.208)",
        ],
        checkpointing: ["fitness", "max", "ultralytics"],
      },
    ],
    [
      "Ultralytics 8.0 last.pt: the last row of the latest training",
      "yolo/reused/weights/last.pt",
      {
        exp: "edge",
        epoch: [2, "results.csv@epoch=2 (the last row)"],
        primary: [
          { name: "fitness", value: 0.1 * 0.6 + 0.9 * 0.2, higher_is_better: true },
          "monitor, 0.1·mAP50(B) + 0.9·mAP50-95(B) of results.csv@epoch=2 (ultralytics 8.0.208)",
        ],
        checkpointing: ["fitness", "max", "ultralytics"],
      },
    ],
    [
      "Ultralytics classifier: the epoch of the highest (top1 + top5) / 2, not of the highest top1",
      "yolo/cls/weights/best.pt",
      {
        exp: "edge",
        epoch: [2, "results.csv@epoch=2 (the highest 0.5·accuracy_top1 + 0.5·accuracy_top5)"],
        primary: [
          { name: "fitness", value: 0.5 * 0.6 + 0.5 * 0.95, higher_is_better: true },
          "monitor, 0.5·accuracy_top1 + 0.5·accuracy_top5 of results.csv@epoch=2 (ultralytics ClassifyMetrics)",
        ],
        checkpointing: ["fitness", "max", "ultralytics"],
      },
    ],
    [
      "Ultralytics segmenter: boxes plus masks, so the better mask epoch wins",
      "yolo/seg/weights/best.pt",
      {
        exp: "edge",
        epoch: [
          1,
          "results.csv@epoch=1 (the highest 0.1·mAP50(B) + 0.9·mAP50-95(B) + 0.1·mAP50(M) + 0.9·mAP50-95(M))",
        ],
        primary: [
          { name: "fitness", value: 0.1 * 0.3 + 0.9 * 0.2 + 0.1 * 0.6 + 0.9 * 0.5, higher_is_better: true },
          "monitor, 0.1·mAP50(B) + 0.9·mAP50-95(B) + 0.1·mAP50(M) + 0.9·mAP50-95(M) of results.csv@epoch=1 (ultralytics 8.0.208)",
        ],
        checkpointing: ["fitness", "max", "ultralytics"],
      },
    ],
    [
      "timm --eval-metric loss: eval_loss, decreasing",
      "timm/output/train/by-loss/model_best.pth.tar",
      {
        exp: "by-loss",
        epoch: [1, "checkpoint"],
        primary: [{ name: "eval_loss", value: 0.5, higher_is_better: false }, "monitor, checkpoint:metric"],
        checkpointing: ["eval_loss", "min", "checkpoint:args"],
      },
    ],
    [
      "HF greater_is_better: false; run_name, a moved output_dir's path, names the run",
      "hf/out/checkpoint-4",
      {
        exp: "out",
        epoch: [1, "checkpoint"],
        primary: [
          { name: "eval_accuracy", value: 0.7, higher_is_better: false },
          "monitor, trainer_state.json:best_metric (best_model_checkpoint)",
        ],
        checkpointing: ["eval_accuracy", "min", "training_args.bin"],
      },
    ],
    [
      "HF: a later checkpoint has its own eval value, not best_metric",
      "hf/out/checkpoint-8",
      {
        exp: "out",
        epoch: [2, "checkpoint"],
        primary: [
          { name: "eval_accuracy", value: 0.9, higher_is_better: false },
          "monitor, trainer_state.json@step=8",
        ],
        checkpointing: ["eval_accuracy", "min", "training_args.bin"],
      },
    ],
  ];
  for (const [name, path, expected] of cases) {
    test(name, async () => expect(await shown(path)).toEqual(expected), PROCESS_TEST_TIMEOUT_MS);
  }
});
