// Test- and bench-only: small files that used to cost gigabytes (issue 14, item 6), generated on the fly.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { inputDict, type PickleInput } from "../../src/core/formats/pickle/pickle-input.ts";
import { planTorchCheckpoint } from "../../src/core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan } from "../../src/core/formats/zip-writer.ts";
import { scalarTensor } from "./synthetic-checkpoints.ts";

/**
 * A plain `torch.save` dict (a `state_dict` and `keys` more entries) whose entries all reference one list nested
 * `depth` levels deep, each level holding the level below twice (memo sharing: BINGET). The pickle is about 2 KB;
 * expanded as a tree it has `keys × 2^depth` leaves of `leafBytes` characters.
 */
export function sharedListCheckpoint(options: {
  depth: number;
  keys: number;
  leafBytes: number;
}): Uint8Array {
  let list: PickleInput[] = ["x".repeat(options.leafBytes)];
  for (let level = 0; level < options.depth; level++) list = [list, list];
  const entries: Array<[PickleInput, PickleInput]> = [
    ["state_dict", inputDict({ w: scalarTensor(1) }, true)],
  ];
  for (let key = 0; key < options.keys; key++) entries.push([`key_${key}`, list]);
  return materializeWritePlan(planTorchCheckpoint(inputDict(entries), { root: "shared" }));
}

export type MetricsCsvRun = {
  /** The run dir (holds `checkpoints/` and `lightning_logs/version_0/metrics.csv`). */
  readonly root: string;
  readonly csv: string;
  readonly checkpoints: readonly string[];
};

function csvRow(step: number, options: { stepsPerEpoch: number; totalSteps: number }): string {
  const epoch = Math.floor(step / options.stepsPerEpoch);
  let rows = `${epoch},${step},${(1 / (1 + step / 1000)).toFixed(6)},,\n`;
  if ((step + 1) % options.stepsPerEpoch === 0) {
    const progress = step / options.totalSteps;
    rows += `${epoch},${step},,${(0.5 + progress / 2).toFixed(6)},${(1 - progress).toFixed(6)}\n`;
  }
  return rows;
}

/** Appends CSVLogger rows for steps [from, to) to `csv` (written in 1 MB chunks, never held whole). */
export function appendMetricsRows(
  csv: string,
  options: { from: number; to: number; stepsPerEpoch: number; totalSteps: number },
): void {
  const fd = openSync(csv, "a");
  try {
    let chunk = "";
    for (let step = options.from; step < options.to; step++) {
      chunk += csvRow(step, options);
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = "";
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** A Lightning checkpoint at `step` (epoch from `stepsPerEpoch`) named `epoch=E-step=S.ckpt` under `dir`. */
export function writeStepCheckpoint(dir: string, options: { step: number; stepsPerEpoch: number }): string {
  const epoch = Math.floor(options.step / options.stepsPerEpoch);
  const path = join(dir, `epoch=${epoch}-step=${options.step}.ckpt`);
  const value = inputDict({
    epoch,
    global_step: options.step,
    "pytorch-lightning_version": "2.2.5",
    state_dict: inputDict({}, true),
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, materializeWritePlan(planTorchCheckpoint(value, { root: "c" })));
  return path;
}

/**
 * A Lightning run logging one `train_loss` row per step and `val_acc`/`val_loss` once per epoch (like a real
 * CSVLogger with `log_every_n_steps=1`), with a checkpoint at the end of each of the given epochs.
 */
export function writeMetricsCsvRun(
  root: string,
  options: { steps: number; stepsPerEpoch: number; checkpointEpochs: readonly number[] },
): MetricsCsvRun {
  const csv = join(root, "lightning_logs/version_0/metrics.csv");
  mkdirSync(dirname(csv), { recursive: true });
  writeFileSync(csv, "epoch,step,train_loss,val_acc,val_loss\n");
  appendMetricsRows(csv, {
    from: 0,
    to: options.steps,
    stepsPerEpoch: options.stepsPerEpoch,
    totalSteps: options.steps,
  });
  const checkpoints = options.checkpointEpochs.map((epoch) =>
    writeStepCheckpoint(join(root, "checkpoints"), {
      step: (epoch + 1) * options.stepsPerEpoch - 1,
      stepsPerEpoch: options.stepsPerEpoch,
    }),
  );
  return { root, csv, checkpoints };
}

/** A safetensors file whose header lists `tensors` one-element F32 tensors (about 80 bytes of header each). */
export function writeHugeHeaderSafetensors(path: string, tensors: number): void {
  const parts: string[] = ['{"__metadata__":{"format":"pt"}'];
  for (let index = 0; index < tensors; index++)
    parts.push(
      `,"layer.${index}.weight":{"dtype":"F32","shape":[1],"data_offsets":[${index * 4},${index * 4 + 4}]}`,
    );
  parts.push("}");
  const header = new TextEncoder().encode(parts.join(""));
  const out = new Uint8Array(8 + header.length + tensors * 4);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, out);
}

/** A YAML mapping of about `bytes` bytes: `key_N: value` lines (a sidecar, hparams.yaml or config.yaml that grew). */
export function writeLargeYaml(path: string, bytes: number, head = ""): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, head);
    let written = head.length;
    let chunk = "";
    for (let index = 0; written < bytes; index++) {
      const line = `key_${index}: value_${index}\n`;
      chunk += line;
      written += line.length;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = "";
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
