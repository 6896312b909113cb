// Synthetic checkpoint trees for the catalog benchmarks: N runs × M checkpoints in Lightning, timm and
// Ultralytics layouts, with their run files, as small real torch zips (optionally sparse multi-GB ones).
//   bun bench/make-tree.ts --root DIR --runs 100 --per-run 100 [--sidecars] [--sparse-gb 4]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { inputDict, inputFloat, type PickleInput } from "../src/core/formats/pickle/pickle-input.ts";
import { planTorchCheckpoint } from "../src/core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan } from "../src/core/formats/zip-writer.ts";
import { sidecarPathFor } from "../src/core/metadata/sidecar-path.ts";
import { buildCheckpointMetadata } from "../src/io/checkpoint/checkpoint-metadata-pipeline.ts";
import { writeSparseFile } from "../src/io/fs/sparse-file-writer.ts";
import { createRunContextCache } from "../src/io/run-files/run-file-reader.ts";
import { writeSidecar } from "../src/io/sidecar/sidecar-store.ts";

export type TreeOptions = {
  readonly root: string;
  readonly runs: number;
  readonly perRun: number;
  /** Write a sidecar next to every checkpoint (as `ckpt convert` would). @default false */
  readonly sidecars?: boolean;
  /** Make the last checkpoint of each run this many GB, sparse (a few KB on disk). @default 0 */
  readonly sparseGb?: number;
};

const LAYOUTS = ["lightning", "timm", "ultralytics"] as const;
type Layout = (typeof LAYOUTS)[number];

function weights(sparseBytes: number): PickleInput {
  const small = { dtype: "float32", numel: 16, data: new Uint8Array(64) };
  const big = { dtype: "float32", numel: Math.max(16, Math.floor(sparseBytes / 4)) };
  return inputDict(
    {
      "backbone.conv1.weight": { kind: "tensor", storage: small, shape: [4, 4] },
      "head.weight": {
        kind: "tensor",
        storage: sparseBytes > 0 ? big : small,
        shape: [sparseBytes > 0 ? big.numel : 16],
      },
    },
    true,
  );
}

function checkpointValue(layout: Layout, epoch: number, sparseBytes: number): PickleInput {
  const score = inputFloat(0.5 + epoch / 1000);
  switch (layout) {
    case "lightning":
      return inputDict({
        epoch,
        global_step: epoch * 100,
        "pytorch-lightning_version": "2.2.5",
        state_dict: weights(sparseBytes),
      });
    case "timm":
      return inputDict({ epoch, arch: "resnet50", state_dict: weights(sparseBytes), metric: score });
    case "ultralytics":
      return inputDict({
        epoch,
        best_fitness: score,
        model: null,
        date: "2025-10-18T14:32:15",
        version: "8.3.0",
      });
    default:
      return layout satisfies never;
  }
}

function runFiles(layout: Layout, runDir: string, perRun: number): void {
  const epochs = Array.from({ length: perRun }, (_, epoch) => epoch);
  if (layout === "lightning") {
    mkdirSync(join(runDir, "csv_logs/version_0"), { recursive: true });
    writeFileSync(
      join(runDir, "csv_logs/version_0/hparams.yaml"),
      "model:\n  architecture: dbnet\n  encoder:\n    model_name: resnet50\n",
    );
    const rows = epochs.map(
      (epoch) =>
        `${epoch},${epoch * 100 + 99},${(0.5 + epoch / 1000).toFixed(4)},${(1 - epoch / 1000).toFixed(4)}`,
    );
    writeFileSync(
      join(runDir, "csv_logs/version_0/metrics.csv"),
      `epoch,step,val/hmean,val/loss\n${rows.join("\n")}\n`,
    );
  } else if (layout === "timm") {
    const rows = epochs.map(
      (epoch) => `${epoch},1.0,${(1 - epoch / 1000).toFixed(4)},${(50 + epoch / 10).toFixed(3)},90.0`,
    );
    writeFileSync(
      join(runDir, "summary.csv"),
      `epoch,train_loss,eval_loss,eval_top1,eval_top5\n${rows.join("\n")}\n`,
    );
  } else {
    const rows = epochs.map(
      (epoch) => `${epoch + 1},1.0,1.0,1.0,0.8,0.7,${(0.5 + epoch / 1000).toFixed(5)},0.4`,
    );
    writeFileSync(
      join(runDir, "results.csv"),
      `epoch,train/box_loss,train/cls_loss,train/dfl_loss,metrics/precision(B),metrics/recall(B),metrics/mAP50(B),metrics/mAP50-95(B)\n${rows.join("\n")}\n`,
    );
    writeFileSync(join(runDir, "args.yaml"), "task: detect\nmodel: yolov8n.yaml\nepochs: 100\n");
  }
}

function checkpointPath(layout: Layout, runDir: string, epoch: number): string {
  if (layout === "lightning")
    return join(runDir, "csv_logs/version_0/checkpoints", `epoch=${epoch}-step=${epoch * 100 + 99}.ckpt`);
  if (layout === "timm") return join(runDir, `checkpoint-${epoch}.pth.tar`);
  return join(runDir, "weights", `epoch${epoch}.pt`);
}

/** Writes the tree and returns the checkpoint paths. */
export function makeTree(options: TreeOptions): string[] {
  const paths: string[] = [];
  const cache = createRunContextCache();
  for (let run = 0; run < options.runs; run++) {
    const layout = LAYOUTS[run % LAYOUTS.length] ?? "lightning";
    const runDir = join(options.root, `${layout}-run${String(run).padStart(5, "0")}`);
    const sub = { lightning: "csv_logs/version_0/checkpoints", timm: ".", ultralytics: "weights" }[layout];
    mkdirSync(join(runDir, sub), { recursive: true });
    runFiles(layout, runDir, options.perRun);
    for (let epoch = 0; epoch < options.perRun; epoch++) {
      const path = checkpointPath(layout, runDir, epoch);
      const sparse =
        epoch === options.perRun - 1 && (options.sparseGb ?? 0) > 0 ? (options.sparseGb ?? 0) * 1e9 : 0;
      const plan = planTorchCheckpoint(checkpointValue(layout, epoch, sparse));
      if (sparse > 0) writeSparseFile(path, plan);
      else writeFileSync(path, materializeWritePlan(plan));
      paths.push(path);
      if (options.sidecars === true) {
        const built = buildCheckpointMetadata(path, {
          scanRoot: options.root,
          now: Date.now,
          runContextCache: cache,
        });
        if (built.metadata !== null) writeSidecar(sidecarPathFor(path), built.metadata, { force: true });
      }
    }
  }
  return paths;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      root: { type: "string" },
      runs: { type: "string", default: "10" },
      "per-run": { type: "string", default: "10" },
      sidecars: { type: "boolean", default: false },
      "sparse-gb": { type: "string", default: "0" },
    },
  });
  if (values.root === undefined) throw new Error("--root DIR is required");
  const started = performance.now();
  const paths = makeTree({
    root: values.root,
    runs: Number(values.runs),
    perRun: Number(values["per-run"]),
    sidecars: values.sidecars,
    sparseGb: Number(values["sparse-gb"]),
  });
  console.log(
    `${paths.length} checkpoints under ${values.root} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
