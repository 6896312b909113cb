import { formatBytes } from "./catalog/human-units.ts";

/**
 * Files ckpt must read whole, and the most it reads of each. Parsing costs a multiple of the file in memory
 * (YAML about 35×, JSON about 10×, a pickle more), so a file over its cap is reported as too large and not
 * read. Run files that grow (metrics.csv, results.csv, summary.csv, TensorBoard events, MLflow metrics) are
 * streamed instead and have no cap. The README's "Size limits" section lists the same table.
 */
export const INPUT_CAPS = {
  /** `data.pkl` of a torch zip, or the pickles of a legacy torch file. */
  pickle: { bytes: 32_000_000, what: "a checkpoint's pickle (data.pkl)" },
  /** The JSON header of a `.safetensors` file (the format itself allows 100 MB). */
  safetensorsHeader: { bytes: 8_000_000, what: "a safetensors header" },
  /** A `<checkpoint>.metadata.yaml` sidecar (ckpt writes a few KB). */
  sidecar: { bytes: 4_000_000, what: "a metadata sidecar" },
  /** A GGUF file's metadata and tensor table (a 256k-token vocabulary is about 20 MB of it). */
  ggufHeader: { bytes: 128_000_000, what: "a GGUF header (metadata and tensor table)" },
  /** `hparams.yaml`, Hydra `.hydra/*.yaml`, timm/Ultralytics `args.yaml`, HF `config.json`, W&B and MLflow files. */
  configFile: { bytes: 8_000_000, what: "a config file" },
  /** HF `trainer_state.json` (its `log_history` grows with the run). */
  trainerState: { bytes: 64_000_000, what: "trainer_state.json" },
  /** DeepSpeed `latest`, Megatron's `latest_checkpointed_iteration.txt`: a line naming a tag or an iteration. */
  pointerFile: { bytes: 4096, what: "a pointer file (DeepSpeed latest, Megatron's tracker)" },
  /** `wandb-history.jsonl` of wandb before 0.10 (newer runs keep history in the streamed `.wandb` log). */
  wandbHistory: { bytes: 64_000_000, what: "wandb-history.jsonl" },
} as const satisfies Record<string, InputCap>;

/** A cap: the most bytes read whole, and what it is for (completes "over ckpt's N cap for …"). */
export type InputCap = { readonly bytes: number; readonly what: string };

/** Whether `size` bytes are over the cap. */
export function isOverCap(size: number, cap: InputCap): boolean {
  return size > cap.bytes;
}

/** `<file> is 94 MB, over ckpt's 8 MB cap for a safetensors header; it was not read (<what to do>)`. */
export function tooLargeMessage(options: {
  readonly file: string;
  readonly size: number;
  readonly cap: InputCap;
  /** What to do; omit when the caller appends its own. */
  readonly advice?: string;
}): string {
  const { file, size, cap, advice } = options;
  const text = `${file} is ${formatBytes(size)}, over ckpt's ${formatBytes(cap.bytes)} cap for ${cap.what}; it was not read`;
  return advice === undefined ? text : `${text} (${advice})`;
}
