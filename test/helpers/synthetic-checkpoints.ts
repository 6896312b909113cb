// Test-only: small synthetic checkpoints (torch zips, HF and Lightning sharded directories) built with the writers.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { inputDict, inputFloat, type PickleInput } from "../../src/core/formats/pickle/pickle-input.ts";
import { planTorchCheckpoint } from "../../src/core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan, planTorchZip, torchSaveEntries } from "../../src/core/formats/zip-writer.ts";
import { binUnicode, global, pk } from "./pickle-bytes.ts";

/** A small torch.save zip of `value`, in memory. */
export function torchZipBytes(value: PickleInput, root = "archive"): Uint8Array {
  return materializeWritePlan(planTorchCheckpoint(value, { root }));
}

/** A float32 0-d tensor holding `value` (e.g. Lightning's `best_model_score`). */
export function scalarTensor(value: number): PickleInput {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setFloat32(0, value, true);
  return { kind: "tensor", storage: { dtype: "float32", numel: 1, data }, shape: [] };
}

/** A zip whose data.pkl is hand-written pickle bytes (objects the writer does not model). */
export function torchZipOfPickle(dataPkl: Uint8Array, root = "archive"): Uint8Array {
  return materializeWritePlan(planTorchZip(torchSaveEntries({ root, dataPkl })));
}

/** `TrainingArguments` as transformers pickles it: NEWOBJ + BUILD of the field dict. */
export function trainingArgsPickle(fields: Record<string, string | boolean>): Uint8Array {
  const items = Object.entries(fields).map(([key, value]) => [
    binUnicode(key),
    typeof value === "string" ? binUnicode(value) : value ? 0x88 : 0x89,
  ]);
  return pk(
    0x80,
    2,
    global("transformers.training_args", "TrainingArguments"),
    0x29,
    0x81,
    0x7d,
    0x28,
    items,
    0x75,
    0x62,
    0x2e,
  );
}

/** A hand-written safetensors file with one F32 tensor of `count` elements. */
export function safetensorsBytes(name: string, count: number): Uint8Array {
  const header = JSON.stringify({
    __metadata__: { format: "pt" },
    [name]: { dtype: "F32", shape: [count], data_offsets: [0, count * 4] },
  });
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + count * 4);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

/** Writes a tree literal (`relative path → bytes | text`) under `root`. */
export function writeTree(root: string, tree: Record<string, Uint8Array | string>): void {
  for (const [name, content] of Object.entries(tree)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** A Lightning 2.x-shaped checkpoint dict with one ModelCheckpoint state. */
export function lightningDict(options: {
  epoch: number;
  step: number;
  score: number;
  version?: string;
  stateDict?: Record<string, PickleInput>;
}): PickleInput {
  const key =
    "ModelCheckpoint{'monitor': 'val/loss', 'mode': 'min', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}";
  return inputDict({
    epoch: options.epoch,
    global_step: options.step,
    "pytorch-lightning_version": options.version ?? "2.2.5",
    state_dict: inputDict(options.stateDict ?? { "layer.weight": scalarTensor(1) }, true),
    callbacks: inputDict({
      [key]: inputDict({
        monitor: "val/loss",
        best_model_score: scalarTensor(options.score),
        best_model_path: "/runs/best.ckpt",
      }),
    }),
    hyper_parameters: inputDict({ lr: inputFloat(0.001) }),
  });
}
