import { checkFileCompleteness } from "../formats/completeness.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import type { TorchPickleRead } from "../formats/torch-pickle-result.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { readTorchFile } from "./directory-files.ts";
import { judgedDirectoryReport } from "./directory-verdict.ts";
import type { AccelerateFacts } from "./distributed-report-parts.ts";
import { frameworkInput, safetyOf } from "./torch-report.ts";

// `Accelerator.save_state` (accelerate/checkpointing.py `save_accelerator_state`, constants.py names): models,
// optimizers, schedulers, samplers, scaler, then `random_states_<process>.pkl`; then `custom_checkpoint_<i>.pkl`.
// Index 0 has no suffix, index i > 0 is `_<i>` (`optimizer_1.bin`). No completion marker is written.

const MODEL = /^(pytorch_model(_\d+)?\.bin|model(_\d+)?\.safetensors)$/;
const OPTIMIZER = /^optimizer(_\d+)?\.bin$/;
const SCHEDULER = /^scheduler(_\d+)?\.bin$/;
const RNG = /^random_states_(\d+)\.pkl$/;
const CUSTOM = /^custom_checkpoint_(\d+)\.pkl$/;
const STEP_KEYS = ["global_step", "step", "completed_steps"];

/** A `save_state` dir by its own files: an RNG-state file beside model or optimizer files. */
export function isAccelerateStateDir(names: readonly string[]): boolean {
  return (
    names.some((name) => RNG.test(name)) && names.some((name) => MODEL.test(name) || OPTIMIZER.test(name))
  );
}

type Custom = AccelerateFacts["custom_checkpoints"][number];

function customCheckpoint(name: string, read: TorchPickleRead | undefined): Custom | undefined {
  if (read?.value === undefined) return undefined;
  const input = frameworkInput(read.value, read.readScalar);
  const keys = read.value instanceof PyDict ? read.value.keys().map((key) => pyStr(key)) : [];
  return {
    file: name,
    index: Number(CUSTOM.exec(name)?.[1] ?? 0),
    top_level_keys: keys,
    value: input.plain(read.value),
  };
}

function stepFrom(customs: readonly Custom[]): { step: number; source: string } | undefined {
  for (const custom of customs) {
    const value = custom.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
    const key = STEP_KEYS.find((k) => typeof value[k] === "number" && Number.isInteger(value[k]));
    if (key !== undefined) return { step: value[key] as number, source: `${custom.file} ${key}` };
  }
  return undefined;
}

function completeness(view: DirectoryView, names: readonly string[]): { complete: boolean; reason: string } {
  const unfinished = names
    .filter(
      (name) =>
        MODEL.test(name) ||
        OPTIMIZER.test(name) ||
        SCHEDULER.test(name) ||
        RNG.test(name) ||
        CUSTOM.test(name),
    )
    .filter((name) => {
      const source = view.open(name);
      return source === undefined || checkFileCompleteness(source).state !== "complete";
    });
  if (unfinished.length > 0)
    return { complete: false, reason: `files not finished: ${unfinished.join(", ")}` };
  return {
    complete: true,
    reason:
      "Accelerate writes no completion marker; every file is whole and the RNG states (written after the model, optimizer and scheduler) are there",
  };
}

/** An Accelerate `save_state` dir: every pickle scanned, custom checkpoints read, the step only from a file that holds one. */
export function accelerateReport(
  view: DirectoryView,
  options: { base: CheckpointReport; dirName?: string; inflate?: InflateRaw },
): CheckpointReport {
  const names = view.names().filter((name) => !name.includes("/"));
  const pickles = names.filter(
    (name) => name.endsWith(".bin") || name.endsWith(".pkl") || name.endsWith(".pt"),
  );
  const reads = new Map(
    pickles.map((name) => [name, readTorchFile(view, { name, inflate: options.inflate })]),
  );
  const customs = names
    .filter((name) => CUSTOM.test(name))
    .flatMap((name) => customCheckpoint(name, reads.get(name)) ?? []);
  const step = stepFrom(customs);
  const { complete, reason } = completeness(view, names);
  const saveIndex = /^checkpoint_(\d+)$/.exec(options.dirName ?? "")?.[1];
  const accelerate: AccelerateFacts = {
    save_index: saveIndex === undefined ? null : Number(saveIndex),
    files: names,
    model_files: names.filter((name) => MODEL.test(name)),
    optimizer_files: names.filter((name) => OPTIMIZER.test(name)),
    scheduler_files: names.filter((name) => SCHEDULER.test(name)),
    rng_state_files: names.filter((name) => RNG.test(name)),
    custom_checkpoints: customs,
    step_source: step?.source ?? null,
    complete,
    complete_reason: reason,
  };
  const scans = [...reads.values()].flatMap((read) => (read ? [read.scan] : []));
  const safety = safetyOf(scans);
  const note = "checkpoint_<i> counts save_state calls, not training steps";
  const report: CheckpointReport = {
    ...options.base,
    container: "accelerate-dir",
    framework: "accelerate",
    framework_confidence: 0.9,
    safety,
    accelerate,
    ...(step === undefined ? {} : { global_step: step.step }),
    warnings: [
      step === undefined ? `${note}; no file here holds a step` : `${note}; the step is ${step.source}`,
    ],
  };
  return judgedDirectoryReport(report, { complete, reason });
}
