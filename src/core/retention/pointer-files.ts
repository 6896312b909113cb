import { MEGATRON_TRACKER } from "../checkpoint/megatron-tracker.ts";
import { LATEST_FILE } from "../formats/distributed/deepspeed-layout.ts";
import { lastSegment } from "../metadata/extract-hf-best.ts";
import type { RetentionPointer } from "./retention-protections.ts";

/** Files a framework keeps beside its checkpoints to name the one to resume from or the best one. */
export const POINTER_FILE_NAMES = {
  /** DeepSpeed `save_checkpoint`: the tag directory of the latest save (`global_step1200`). */
  deepspeed: LATEST_FILE,
  /** Megatron-LM: the iteration of the latest save (`1200`, or `release`), its directory `iter_0001200`. */
  megatron: MEGATRON_TRACKER,
  /** HF Trainer, inside each `checkpoint-N/`: `best_model_checkpoint` names the best checkpoint directory. */
  hfTrainer: "trainer_state.json",
} as const;

/** A tag or directory name is one path segment: `..`, `/` and control characters make it no pointer. */
function isPlainName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a name with control characters is rejected.
  return name !== "" && name !== "." && name !== ".." && !/[/\u0000-\u001f]/.test(name);
}

/** DeepSpeed's `latest` in `directory`: its one line is the tag directory beside it. */
export function deepSpeedPointer(directory: string, text: string): RetentionPointer | null {
  const tag = text.trim();
  return isPlainName(tag) ? { target: `${directory}/${tag}`, name: POINTER_FILE_NAMES.deepspeed } : null;
}

/** Megatron's tracker in `directory`: an iteration number names `iter_%07d`, `release` the `release` directory. */
export function megatronPointer(directory: string, text: string): RetentionPointer | null {
  const value = text.trim();
  const name = POINTER_FILE_NAMES.megatron;
  if (value === "release") return { target: `${directory}/release`, name };
  if (!/^\d+$/.test(value)) return null;
  return { target: `${directory}/iter_${value.padStart(7, "0")}`, name };
}

/**
 * HF's `best_model_checkpoint` as recorded in a `trainer_state.json` of a checkpoint under `outputDir`: the path
 * it names was the output dir of the machine that trained (often elsewhere now), so only its last segment is
 * trusted, beside the checkpoint directories.
 */
export function hfBestPointer(
  outputDir: string,
  bestModelCheckpoint: string | null,
): RetentionPointer | null {
  if (bestModelCheckpoint === null) return null;
  const name = lastSegment(bestModelCheckpoint);
  return isPlainName(name) ? { target: `${outputDir}/${name}`, name: "best_model_checkpoint" } : null;
}
