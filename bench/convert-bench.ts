// Time `ckpt convert` (read + run files + assemble + validate + atomic sidecar write) per checkpoint:
// over a copy of test/fixtures/real and over N synthetic Lightning checkpoints of one Hydra run with a metrics.csv.
//   bun bench/convert-bench.ts [--synthetic 1000] [--runs 5]
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { inputDict, inputFloat, type PickleInput } from "../src/core/formats/pickle/pickle-input.ts";
import { planTorchCheckpoint } from "../src/core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan } from "../src/core/formats/zip-writer.ts";
import { convertCheckpoints } from "../src/io/scan/convert-checkpoints.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { synthetic: { type: "string", default: "1000" }, runs: { type: "string", default: "5" } },
});
const syntheticCount = Number(values.synthetic);
const runs = Number(values.runs);
const repo = resolve(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "ckpt-convert-bench-"));
const STEPS_PER_EPOCH = 8;

const KEY =
  "ModelCheckpoint{'monitor': 'val/hmean', 'mode': 'max', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}";

function tensor(numel: number): PickleInput {
  return {
    kind: "tensor",
    storage: { dtype: "float32", numel, data: new Uint8Array(numel * 4) },
    shape: [numel],
  };
}

function syntheticCheckpoint(epoch: number, step: number): Uint8Array {
  const stateDict = inputDict(
    Array.from({ length: 50 }, (_, index): [PickleInput, PickleInput] => [
      `model.layer${index}.weight`,
      tensor(16),
    ]),
    true,
  );
  const value = inputDict({
    epoch,
    global_step: step,
    "pytorch-lightning_version": "2.2.5",
    state_dict: stateDict,
    callbacks: inputDict({
      [KEY]: inputDict({
        monitor: "val/hmean",
        best_model_score: inputFloat(0.5),
        best_model_path: "",
        dirpath: "checkpoints",
      }),
    }),
    hparams_name: "kwargs",
    hyper_parameters: inputDict({
      model: inputDict({
        architecture: "dbnet",
        encoder: inputDict({ model_name: "resnet18", pretrained: false }),
        decoder: inputDict({ name: "unet", inner_channels: 16, out_channels: 8 }),
        head: inputDict({ name: "db_head", in_channels: 8 }),
        loss: inputDict({ name: "db_loss" }),
      }),
    }),
  });
  return materializeWritePlan(planTorchCheckpoint(value));
}

function makeSyntheticRun(root: string, count: number): void {
  const run = join(root, "dbnet_synthetic", "2026-11-22", "12-00-00");
  mkdirSync(join(run, ".hydra"), { recursive: true });
  mkdirSync(join(run, "checkpoints"), { recursive: true });
  mkdirSync(join(run, "csv_logs", "version_0"), { recursive: true });
  writeFileSync(
    join(run, ".hydra", "config.yaml"),
    "run_name: dbnet_synthetic\ntrainer:\n  max_epochs: 1000\ncheckpoints:\n- monitor: val/hmean\n  mode: max\n  save_top_k: -1\n  save_last: true\n",
  );
  const rows = ["epoch,step,train/loss_step,val/hmean,val/loss,val/precision,val/recall"];
  for (let epoch = 0; epoch < count; epoch++) {
    const last = (epoch + 1) * STEPS_PER_EPOCH - 1;
    for (let step = epoch * STEPS_PER_EPOCH + 1; step < last; step += 2)
      rows.push(`${epoch},${step},0.5,,,,`);
    rows.push(`${epoch},${last},,${(epoch / count).toFixed(6)},0.3,0.6,0.7`);
    const file = join(run, "checkpoints", `epoch=${epoch}-step=${last + 1}.ckpt`);
    writeFileSync(file, syntheticCheckpoint(epoch, last + 1));
  }
  writeFileSync(join(run, "csv_logs", "version_0", "metrics.csv"), `${rows.join("\n")}\n`);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function inProcess(root: string): Promise<{ ms: number; checkpoints: number }> {
  const samples: number[] = [];
  let checkpoints = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const summary = await convertCheckpoints({
      roots: [root],
      scanRoot: root,
      recursive: true,
      force: true,
      dryRun: false,
      now: Date.now,
      generatorVersion: "bench",
    });
    samples.push(performance.now() - start);
    checkpoints = summary.total;
  }
  return { ms: median(samples), checkpoints };
}

function wholeProcess(root: string): number {
  const samples: number[] = [];
  for (let i = 0; i < Math.max(1, Math.min(runs, 3)); i++) {
    const start = performance.now();
    const result = Bun.spawnSync(
      [process.execPath, join(repo, "src/main.ts"), "convert", "--outputs-dir", root, "--force", "--json"],
      { stdout: "ignore", stderr: "ignore" },
    );
    samples.push(performance.now() - start);
    if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`convert exited ${result.exitCode}`);
  }
  return median(samples);
}

const fixtures = join(work, "fixtures");
cpSync(join(repo, "test/fixtures/real"), fixtures, { recursive: true, verbatimSymlinks: true });
const synthetic = join(work, "synthetic");
const made = performance.now();
makeSyntheticRun(synthetic, syntheticCount);
console.log(
  `made ${syntheticCount} synthetic checkpoints in ${((performance.now() - made) / 1000).toFixed(1)} s`,
);

for (const [label, root] of [
  ["real fixtures", fixtures],
  [`${syntheticCount} synthetic`, synthetic],
] as const) {
  const inside = await inProcess(root);
  const whole = wholeProcess(root);
  const perCheckpoint = inside.ms / inside.checkpoints;
  console.log(
    `${label}: ${inside.checkpoints} checkpoints, in-process ${inside.ms.toFixed(0)} ms (${perCheckpoint.toFixed(2)} ms/checkpoint, ` +
      `${(150 / perCheckpoint).toFixed(0)}–${(300 / perCheckpoint).toFixed(0)}× faster than the seed's 150–300 ms), ` +
      `whole process ${whole.toFixed(0)} ms (${(whole / inside.checkpoints).toFixed(2)} ms/checkpoint)`,
  );
}
rmSync(work, { recursive: true, force: true });
