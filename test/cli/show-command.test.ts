import { describe, expect, test } from "bun:test";
import { cpSync } from "node:fs";
import { join } from "node:path";
import type { CheckpointMetadataV1 } from "../../src/core/metadata/metadata-schema.ts";
import { EXPECTED_METADATA, metadataSummary } from "../helpers/expected-metadata.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const FULL =
  "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt";

describe("ckpt show", () => {
  test("--json: every real fixture, one JSON line per path in argument order, from the real reader", async () => {
    const names = EXPECTED_METADATA.map(([name]) => name);
    const run = await runCliInProcess(["show", "--json", ...names], { cwd: realFixtureRoot });
    const lines = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBe(names.length);
    const shown = lines.map((line, index) => {
      if ("error" in line) return [names[index], null];
      const metadata = line as CheckpointMetadataV1;
      // A symlink's metadata is its target's.
      const target = names[index]?.replace(/(dbnet_r18_dev_pl214\/.*)last\.ckpt$/, "$1epoch=2-step=24.ckpt");
      expect(metadata.checkpoint_path).toBe(target ?? "");
      return [names[index], metadataSummary(metadata)];
    });
    // The truth file never loaded the hostile pickle; the reader reads its fake epoch/global_step without running it.
    const expected = EXPECTED_METADATA.map(([name, summary]) =>
      name === "broken/malicious_reduce.ckpt" && summary
        ? [name, { ...summary, training: [3, 24, null], sources: ["checkpoint", "checkpoint", "fallback"] }]
        : [name, summary],
    );
    expect(shown as unknown).toEqual(expected);
    expect(run.exitCode).toBe(1);
  });

  test("human view: the sidecar's sections with where each value came from; a current sidecar is used", async () => {
    using dir = makeTempDir("show-human");
    const root = join(dir.path, "real");
    cpSync(join(realFixtureRoot, "lightning/outputs/dbnet_r18_dev_full"), join(root, "dbnet_r18_dev_full"), {
      recursive: true,
    });
    const path = `real/${FULL.replace("lightning/outputs/", "")}`;
    const fresh = await runCliInProcess(["show", path], { cwd: dir.path });
    expect(fresh.exitCode).toBe(0);
    expect(fresh.stdout).toContain("(assembled from the checkpoint and its run files)");
    expect(fresh.stdout).toContain("metrics\n  precision        0.734261");
    expect(fresh.stdout).toMatch(/ {2}precision +0\.734261 +← metrics\.csv@step=23 \(val\/precision\)\n/);
    expect(fresh.stdout).toMatch(/ {2}monitor +val\/hmean +← checkpoint\n/);
    await runCliInProcess(["convert", "--checkpoint", path], { cwd: dir.path });
    const cached = await runCliInProcess(["show", path], { cwd: dir.path });
    expect(cached.stdout).toContain(
      "(from sidecar real/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=2-step=24-val/hmean=0.8467.metadata.yaml)",
    );
  });

  test("a checkpoint directory's current sidecar is used: judged by its files, as the scan judges it", async () => {
    using dir = makeTempDir("show-dir-sidecar");
    const hfRun = join(import.meta.dir, "..", "fixtures", "distributed", "hf", "trainer_run");
    cpSync(hfRun, join(dir.path, "trainer_run"), { recursive: true });
    const path = "trainer_run/checkpoint-8";
    const fresh = await runCliInProcess(["show", path], { cwd: dir.path });
    expect(fresh.stdout).toContain("(assembled from the checkpoint and its run files)");
    const catalog = join(dir.path, "catalog.db");
    const scan = await runCliInProcess(["scan", "trainer_run", "--sidecars", "write", "--catalog", catalog], {
      cwd: dir.path,
    });
    expect(scan.exitCode).toBe(0);
    // Writing ckpt.metadata.yaml inside changed the directory's own mtime; its files did not change.
    const cached = await runCliInProcess(["show", path], { cwd: dir.path });
    expect(cached.stdout).toContain("(from sidecar trainer_run/checkpoint-8/ckpt.metadata.yaml)");
  });
});

describe("ckpt show follows the task", () => {
  /** A section of the human view: its title line through the line before the next title. */
  function section(text: string, title: string): string[] {
    const lines = text.split("\n");
    const start = lines.indexOf(title);
    const end = lines.findIndex((line, index) => index > start && line !== "" && !line.startsWith(" "));
    return lines.slice(start, end);
  }

  // The V1 fields only a text detector fills (validation_loss is every task's).
  const TEXT_DETECTION_ROW = /^ {2}(hmean|decoder|head|loss|encoder) | {4}channels /;

  test.each([
    "ultralytics/runs/detect/train/weights/epoch25.pt",
    "ultralytics/runs/detect/train/weights/best.pt",
    "timm/output/train/20261122-145342-test_efficientnet-32/model_best.pth.tar",
    "torch/tutorial_checkpoint.pt",
    "torch/resnet_tiny_state_dict.pt",
    "torch/tiny_cnn.safetensors",
  ])("%s: no text-detection field", async (path) => {
    const run = await runCliInProcess(["show", path], { cwd: realFixtureRoot });
    expect(run.exitCode).toBe(0);
    const rows = run.stdout.split("\n").filter((line) => TEXT_DETECTION_ROW.test(line));
    expect(rows).toEqual([]);
  });

  test("a detector: mAP50, mAP50-95, precision, recall and the box/cls/dfl losses, each with its source", async () => {
    const run = await runCliInProcess(["show", "ultralytics/runs/detect/train/weights/epoch25.pt"], {
      cwd: realFixtureRoot,
    });
    expect([...section(run.stdout, "model"), ...section(run.stdout, "metrics")]).toEqual([
      "model",
      "  architecture     yolov8-micro                             ← checkpoint",
      "  pretrained       false                                    ← train_args",
      "metrics",
      "  mAP50            0.08222                                  ← checkpoint:train_metrics (metrics/mAP50(B))",
      "  mAP50-95         0.01676                                  ← checkpoint:train_metrics (metrics/mAP50-95(B))",
      "  precision        0.43136                                  ← checkpoint:train_metrics (metrics/precision(B))",
      "  recall           0.09258                                  ← checkpoint:train_metrics (metrics/recall(B))",
      "  train_box_loss   3.49822                                  ← results.csv@epoch=25 (train/box_loss)",
      "  train_cls_loss   2.64451                                  ← results.csv@epoch=25 (train/cls_loss)",
      "  train_dfl_loss   1.66429                                  ← results.csv@epoch=25 (train/dfl_loss)",
      "  val_box_loss     3.41286                                  ← checkpoint:train_metrics (val/box_loss)",
      "  val_cls_loss     2.70648                                  ← checkpoint:train_metrics (val/cls_loss)",
      "  val_dfl_loss     1.61055                                  ← checkpoint:train_metrics (val/dfl_loss)",
    ]);
  });

  test("a classifier: accuracy, top-5 and losses; what no row showed stays in additional_metrics", async () => {
    const run = await runCliInProcess(
      ["show", "timm/output/train/20261122-145342-test_efficientnet-32/model_best.pth.tar"],
      { cwd: realFixtureRoot },
    );
    expect([...section(run.stdout, "metrics"), ...section(run.stdout, "additional_metrics")]).toEqual([
      "metrics",
      "  accuracy         83.3333                                  ← checkpoint:metric (eval_top1)",
      "  top5_accuracy    100                                      ← summary.csv@epoch=2 (eval_top5)",
      "  train_loss       1.43804                                  ← summary.csv@epoch=2",
      "  validation_loss  0.651002                                 ← summary.csv@epoch=2 (eval_loss)",
      "additional_metrics",
      "  lr               0.0125                                   ← summary.csv@epoch=2",
    ]);
  });

  test("a tutorial dict: architecture unknown (a default, marked), its `loss` read as the train loss", async () => {
    const run = await runCliInProcess(["show", "torch/tutorial_checkpoint.pt"], { cwd: realFixtureRoot });
    expect(section(run.stdout, "model")).toEqual([
      "model",
      "  architecture     unknown *                                ← default: nothing recorded it, the schema needs a value",
    ]);
    expect(section(run.stdout, "metrics")).toEqual([
      "metrics",
      "  validation_loss  —",
      "  train_loss       1.5927                                   ← checkpoint:loss (loss)",
    ]);
  });

  test("a text detector keeps every V1 field, known or not", async () => {
    const run = await runCliInProcess(["show", FULL], { cwd: realFixtureRoot });
    const labels = [...section(run.stdout, "model"), ...section(run.stdout, "metrics")].map(
      (line) => line.trim().split(/ {2,}/)[0],
    );
    expect(labels).toEqual([
      "model",
      "architecture",
      "encoder",
      "pretrained",
      "decoder",
      "channels",
      "head",
      "loss",
      "metrics",
      "precision",
      "recall",
      "hmean",
      "validation_loss",
    ]);
  });
});
