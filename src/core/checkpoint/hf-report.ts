import type { DirectoryView, HfCheckpointDir } from "../formats/hf-checkpoint-dir.ts";
import { globalName, isTagged, type PyValue } from "../formats/pickle/py-value.ts";
import { parsePythonJson } from "../formats/python-json.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import { plainRecord } from "../frameworks/framework-input.ts";
import { summarizeStateDict } from "../frameworks/state-dict-summary.ts";
import { parseHfTrainerState } from "../runs/hf-trainer-state.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import type { EarlyStoppingState, HfFacts } from "./checkpoint-report-parts.ts";
import { readTorchFile } from "./directory-files.ts";
import { judgedDirectoryReport, verdictOfCompleteness } from "./directory-verdict.ts";
import { failedReport } from "./report-outcome.ts";
import { frameworkInput, plainBudgetNotes, safetyOf } from "./torch-report.ts";

type HfReportOptions = {
  readonly path: string;
  readonly hf: HfCheckpointDir;
  readonly base: CheckpointReport;
  readonly inflate?: InflateRaw | undefined;
};

/** A Hugging Face Trainer `checkpoint-N/` (or `save_pretrained`) directory as a report. */
export function hfReport(view: DirectoryView, options: HfReportOptions): CheckpointReport {
  const { hf, base } = options;
  const config = hf.config?.success ? hf.config.data : undefined;
  const facts: HfFacts = {
    kind: hf.kind,
    dir_step: hf.step ?? null,
    architectures: config?.architectures ?? null,
    model_type: config?.model_type ?? null,
    torch_dtype: config?.torch_dtype ?? config?.dtype ?? null,
    transformers_version: config?.transformers_version ?? null,
    weights: hf.weights.map((weight) => ({
      name: weight.name,
      format: weight.format,
      completeness: weight.completeness.state,
      ...(weight.safetensors ? { tensor_count: weight.safetensors.tensors.length } : {}),
    })),
    missing_shards: [...hf.missingShards],
  };
  let report: CheckpointReport = {
    ...base,
    framework: "hf-trainer",
    framework_confidence: hf.kind === "hf-checkpoint" ? 1 : 0.6,
    ...trainerStateFacts(hf, facts),
  };
  report = { ...report, ...pickleFiles(view, { ...options, facts }) };
  report.hf = facts;
  const verdict = verdictOfCompleteness(hf.completeness);
  if (report.safety?.status === "unsafe" || !verdict.complete) return judgedDirectoryReport(report, verdict);
  const state = hf.trainerState;
  if (state?.success !== false || state.error.code === "unfinished") return report;
  return failedReport(report, {
    status: "too-large",
    code: state.error.code === "too-deep" ? "trainer-state-too-deep" : "trainer-state-too-large",
    message: `${state.error.message} (the checkpoint may be fine; its step and logged metrics are unknown to ckpt)`,
  });
}

function trainerStateFacts(hf: HfCheckpointDir, facts: HfFacts): Partial<CheckpointReport> {
  if (!hf.trainerState?.success) return {};
  const parsed = parseHfTrainerState(hf.trainerState.data, "trainer_state.json");
  if (!parsed.success) return {};
  const state = parsed.data;
  Object.assign(facts, {
    max_steps: state.maxSteps,
    num_train_epochs: state.numTrainEpochs,
    best_metric: state.bestMetric,
    best_global_step: state.bestGlobalStep,
    best_model_checkpoint: state.bestModelCheckpoint,
  });
  const stopping = earlyStopping(hf.trainerState.data);
  return {
    epoch: state.epoch,
    global_step: state.globalStep,
    ...(stopping ? { early_stopping_states: [stopping] } : {}),
  };
}

/** `stateful_callbacks.EarlyStoppingCallback` of a newer `trainer_state.json`. */
function earlyStopping(text: string): EarlyStoppingState | undefined {
  const json = parsePythonJson(text);
  const record = (value: unknown) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const callback = record(
    record(record(json.success ? json.data : {})["stateful_callbacks"])["EarlyStoppingCallback"],
  );
  if (Object.keys(callback).length === 0) return undefined;
  const [args, attributes] = [record(callback["args"]), record(callback["attributes"])];
  const num = (value: unknown) => (typeof value === "number" ? value : null);
  return {
    key: "EarlyStoppingCallback",
    patience: num(args["early_stopping_patience"]),
    threshold: num(args["early_stopping_threshold"]),
    wait_count: num(attributes["early_stopping_patience_counter"]),
  };
}

/** `training_args.bin` (TrainingArguments) and torch-zip weights: safety of every pickle, args, a state-dict summary. */
function pickleFiles(
  view: DirectoryView,
  options: HfReportOptions & { facts: HfFacts },
): Partial<CheckpointReport> {
  const { hf, facts } = options;
  const out: Partial<CheckpointReport> = {};
  const reads = [
    hf.trainingArgsFile,
    ...hf.weights.filter((w) => w.format === "torch-zip").map((w) => w.name),
  ]
    .flatMap((name) =>
      name === undefined ? [] : [{ name, read: readTorchFile(view, { name, inflate: options.inflate }) }],
    )
    .flatMap(({ name, read }) => (read ? [{ name, read }] : []));
  if (reads.length === 0) return out;
  out.pickle_globals = [...new Set(reads.flatMap(({ read }) => read.scan.names))];
  out.safety = safetyOf(reads.map(({ read }) => read.scan));
  const args = reads.find(({ name }) => name === hf.trainingArgsFile)?.read;
  if (args?.value !== undefined) Object.assign(out, trainingArgsFacts(args.value, args.readScalar, facts));
  const weights = reads.find(({ name }) => name !== hf.trainingArgsFile)?.read.value;
  const stateDict = summarizeStateDict(weights);
  if (stateDict) out.state_dict = stateDict;
  return out;
}

function trainingArgsFacts(
  value: PyValue,
  readScalar: Parameters<typeof frameworkInput>[1],
  facts: HfFacts,
): Partial<CheckpointReport> {
  if (!isTagged(value) || value.kind !== "object") return {};
  const input = frameworkInput(value, readScalar);
  const args = plainRecord(input, value.attributes ?? null) ?? {};
  const metric = args["metric_for_best_model"];
  const greater = args["greater_is_better"];
  facts.metric_for_best_model = typeof metric === "string" ? metric : null;
  facts.greater_is_better = typeof greater === "boolean" ? greater : null;
  facts.training_args_class = globalName(value.class) ?? null;
  const notes = plainBudgetNotes(input.budget, "training_args.bin");
  return { training_args: args, ...(notes.length > 0 ? { warnings: notes } : {}) };
}
