import { z } from "zod";
import { parsePythonJson } from "../formats/python-json.ts";
import { fail, ok, type Result } from "../result.ts";
import { AnyNumber, MetricPoint, type RunFileError, runFileError } from "./metric-series.ts";

const optionalInt = z.number().int().nullable().optional();

/** `trainer_state.json` as written by `TrainerState.save_to_json` (fields vary by transformers version). */
const RawTrainerState = z.looseObject({
  epoch: AnyNumber.nullable().optional(),
  global_step: z.number().int(),
  max_steps: optionalInt,
  num_train_epochs: AnyNumber.nullable().optional(),
  logging_steps: AnyNumber.nullable().optional(),
  eval_steps: AnyNumber.nullable().optional(),
  save_steps: AnyNumber.nullable().optional(),
  train_batch_size: optionalInt,
  best_metric: AnyNumber.nullable().optional(),
  best_global_step: optionalInt,
  best_model_checkpoint: z.string().nullable().optional(),
  log_history: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** What a catalog needs from `trainer_state.json`; absent fields are null. */
export const HfTrainerState = z.object({
  /** Fractional epoch progress at save time (e.g. 2.4966). */
  epoch: AnyNumber.nullable(),
  globalStep: z.number().int(),
  maxSteps: z.number().int().nullable(),
  numTrainEpochs: AnyNumber.nullable(),
  loggingSteps: AnyNumber.nullable(),
  evalSteps: AnyNumber.nullable(),
  saveSteps: AnyNumber.nullable(),
  trainBatchSize: z.number().int().nullable(),
  /** Value of `metric_for_best_model` at the best checkpoint (may be NaN/±Infinity). */
  bestMetric: AnyNumber.nullable(),
  bestGlobalStep: z.number().int().nullable(),
  /** As written by the trainer: a path under the original `output_dir`, which may have moved since. */
  bestModelCheckpoint: z.string().nullable(),
  /** Every numeric `log_history` value except `step`/`epoch`, keyed by `step`, with the entry's fractional epoch. */
  points: z.array(MetricPoint),
});
export type HfTrainerState = z.infer<typeof HfTrainerState>;

const POSITION_KEYS = new Set(["step", "epoch"]);

function historyPoints(history: readonly Record<string, unknown>[]): MetricPoint[] {
  return history.flatMap((entry) => {
    const step = typeof entry["step"] === "number" && Number.isInteger(entry["step"]) ? entry["step"] : null;
    const epoch = typeof entry["epoch"] === "number" ? entry["epoch"] : null;
    return Object.entries(entry).flatMap(([name, value]) =>
      typeof value === "number" && !POSITION_KEYS.has(name) ? [{ name, step, epoch, value }] : [],
    );
  });
}

/**
 * HF Trainer `trainer_state.json` → state record with `log_history` as metric points. Accepts Python's bare
 * `NaN`/`Infinity`/`-Infinity`. The file is written last into `checkpoint-N/`, in one go, so a parse failure
 * means it is being written (retry later) or damaged.
 */
export function parseHfTrainerState(text: string, file: string): Result<HfTrainerState, RunFileError> {
  const json = parsePythonJson(text);
  if (!json.success) {
    const tooDeep = json.error.code === "too-deep";
    const problem = tooDeep ? json.error.message : `not valid JSON (${json.error.message})`;
    const hint = tooDeep
      ? "ckpt does not read it; check what wrote the file"
      : "if training is running, retry once the file is complete";
    return fail(runFileError({ file, problem, hint }));
  }
  const raw = RawTrainerState.safeParse(json.data);
  if (!raw.success) {
    const problem = `not a trainer_state.json: ${z.prettifyError(raw.error)}`;
    return fail(
      runFileError({ file, problem, hint: "pass the trainer_state.json of a checkpoint-N directory" }),
    );
  }
  const state = raw.data;
  return ok({
    epoch: state.epoch ?? null,
    globalStep: state.global_step,
    maxSteps: state.max_steps ?? null,
    numTrainEpochs: state.num_train_epochs ?? null,
    loggingSteps: state.logging_steps ?? null,
    evalSteps: state.eval_steps ?? null,
    saveSteps: state.save_steps ?? null,
    trainBatchSize: state.train_batch_size ?? null,
    bestMetric: state.best_metric ?? null,
    bestGlobalStep: state.best_global_step ?? null,
    bestModelCheckpoint: state.best_model_checkpoint ?? null,
    points: historyPoints(state.log_history ?? []),
  });
}
