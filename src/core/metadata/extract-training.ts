import type { FilenameFacts } from "../runs/filename-metrics.ts";
import type { MetricTarget } from "../runs/metric-series.ts";
import {
  type AssemblyProblem,
  DEFAULT_SOURCE,
  type Extracted,
  type FieldSources,
  warning,
} from "./assembly-notes.ts";
import type { TrainingInfo } from "./metadata-schema.ts";
import { integerAt, recordAt, stringAt } from "./plain-values.ts";
import type { ReportFacts } from "./report-facts.ts";
import type { RunContext } from "./run-context-model.ts";

export type TrainingFacts = {
  readonly training: TrainingInfo;
  /** Where the checkpoint sits for `metricsAtStep`: only what is known, never a default. */
  readonly target: MetricTarget;
  /** HF's fractional epoch, kept exactly in `additional_metrics.epoch`. */
  readonly exactEpoch: number | null;
};

type Found = { readonly value: number; readonly source: string } | null | undefined;

function integer(value: number | null | undefined, source: string): Found {
  return typeof value === "number" && Number.isInteger(value) ? { value, source } : null;
}

export type TrainingOptions = {
  readonly facts: ReportFacts;
  readonly run: RunContext;
  readonly filename: FilenameFacts | null;
  /** The real epoch of final weights whose file says −1 (Ultralytics `best.pt`/`last.pt`), when the run tells. */
  readonly finalEpoch?: Found;
  /** A plain checkpoint's `step`/`iteration` key, when its dict has one. */
  readonly conventionalStep?: Found;
};

function epochOf({ facts, run, filename, finalEpoch }: TrainingOptions) {
  const candidates: [number | null | undefined, string][] = [
    [finalEpoch?.value, finalEpoch?.source ?? ""],
    [facts.epoch, facts.framework === "plain-torch" ? "checkpoint:epoch" : "checkpoint"],
    [run.hfTrainerState?.epoch, "trainer_state.json"],
    [filename?.epoch, "filename"],
  ];
  for (const [value, source] of candidates) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    // HF epochs are fractional progress: the sidecar holds the floor, additional_metrics the exact value.
    const exactEpoch = Number.isInteger(value) ? null : value;
    return { found: { value: Math.floor(value), source }, exactEpoch };
  }
  return { found: null, exactEpoch: null };
}

function stepOf({ facts, run, filename, conventionalStep }: TrainingOptions): Found {
  const step =
    integer(conventionalStep?.value, conventionalStep?.source ?? "") ??
    integer(facts.global_step, "checkpoint") ??
    // Ultralytics counts EMA updates once per optimizer step.
    integer(facts.updates, "checkpoint:updates") ??
    integer(run.hfTrainerState?.globalStep, "trainer_state.json") ??
    integer(filename?.step, "filename");
  return step && step.value >= 0 ? step : null;
}

/** `max_epochs` from the trainer config (checkpoint hparams, hparams.yaml, Hydra) or the framework's args. */
function maxEpochsOf(facts: ReportFacts, run: RunContext): Found {
  const fromTrainer = (label: string, root: unknown) =>
    integer(integerAt(recordAt(root, "trainer"), "max_epochs") ?? integerAt(root, "max_epochs"), label);
  return (
    fromTrainer("checkpoint", facts.hyper_parameters) ??
    fromTrainer("hparams.yaml", run.hparams?.values) ??
    fromTrainer("hydra", run.hydra?.config) ??
    integer(integerAt(facts.args, "epochs"), "checkpoint:args") ??
    integer(integerAt(run.timmArgs, "epochs"), "args.yaml") ??
    integer(integerAt(facts.train_args, "epochs"), "checkpoint:train_args") ??
    integer(integerAt(run.ultralyticsArgs, "epochs"), "args.yaml") ??
    integer(run.hfTrainerState?.numTrainEpochs, "trainer_state.json") ??
    integer(facts.hf?.num_train_epochs, "checkpoint")
  );
}

/**
 * The `training:` section. The epoch comes from the checkpoint (Ultralytics' −1 for final weights stays −1, with a
 * warning), else HF `trainer_state.json` (fractional progress → floor; the exact value is kept), else the file
 * name; global_step from the checkpoint (Ultralytics: EMA updates), HF state or file name. Unknown epoch/step are
 * 0 as in the seed's tool, marked `default` in the sources and never used to look metrics up.
 */
export function extractTraining(options: TrainingOptions): Extracted<TrainingFacts> {
  const { facts, run } = options;
  const sources: FieldSources = { "training.training_phase": DEFAULT_SOURCE };
  const problems: AssemblyProblem[] = [];
  const { found: epochFound, exactEpoch } = epochOf(options);
  const validEpoch = epochFound && epochFound.value >= -1 ? epochFound : null;
  const step = stepOf(options);
  const maxEpochs = maxEpochsOf(facts, run);
  sources["training.epoch"] = validEpoch?.source ?? DEFAULT_SOURCE;
  sources["training.global_step"] = step?.source ?? DEFAULT_SOURCE;
  if (maxEpochs) sources["training.max_epochs"] = maxEpochs.source;
  if (validEpoch?.value === -1) {
    const why = "the framework's final (stripped) weights, and no run file says which epoch they are";
    problems.push(warning("final-weights-epoch", `epoch is -1: ${why}`));
  }
  if (exactEpoch !== null) {
    problems.push(
      warning(
        "fractional-epoch",
        `epoch ${exactEpoch} is fractional progress; stored as ${Math.floor(exactEpoch)}`,
      ),
    );
  }
  const training: TrainingInfo = {
    epoch: validEpoch?.value ?? 0,
    global_step: step?.value ?? 0,
    training_phase: "training",
    max_epochs: maxEpochs?.value ?? null,
  };
  const isHf = run.hfTrainerState !== null || facts.framework === "hf-trainer";
  const target: MetricTarget = {
    step: step?.value ?? null,
    epoch: isHf || !validEpoch || validEpoch.value < 0 ? null : validEpoch.value,
  };
  return { value: { training, target, exactEpoch }, sources, problems };
}

const NAME_KEYS = ["exp_name", "experiment_name", "run_name", "name"] as const;
const DATE_DIR = /^\d{4}-\d{2}-\d{2}$/;
const TIME_DIR = /^\d{2}-\d{2}-\d{2}$/;
const GENERIC_ROOTS = new Set(["outputs", "multirun", "runs", "output", "train", ""]);

type Named = { readonly value: string; readonly source: string };

function baseName(path: string): string {
  return path.replace(/\/+$/, "").slice(path.replace(/\/+$/, "").lastIndexOf("/") + 1);
}

/** Hydra's `outputs/<name>/<date>/<time>` layout names the experiment two levels up. */
function hydraLayoutName(runDir: string | null): string | null {
  const parts = (runDir ?? "").split("/").filter((part) => part !== "");
  const [time, date, name] = [parts.at(-1), parts.at(-2), parts.at(-3)];
  const isLayout = time && date && TIME_DIR.test(time) && DATE_DIR.test(date);
  return isLayout && name && !GENERIC_ROOTS.has(name) ? name : null;
}

function hydraConfigName(run: RunContext): Named | null {
  for (const key of NAME_KEYS) {
    const value = stringAt(run.hydra?.config, key);
    if (value && !value.includes("${")) return { value, source: `hydra:${key}` };
  }
  return null;
}

/** The framework's own run name: Ultralytics `name`, timm `--experiment` (else its dir), HF `run_name`/output dir. */
function frameworkName(facts: ReportFacts, run: RunContext): Named | null {
  const ultralytics = stringAt(facts.train_args, "name") ?? stringAt(run.ultralyticsArgs, "name");
  if (ultralytics) return { value: ultralytics, source: "ultralytics:name" };
  if (facts.framework === "timm" || run.timmArgs) {
    const experiment = stringAt(facts.args, "experiment") ?? stringAt(run.timmArgs, "experiment");
    if (experiment) return { value: experiment, source: "timm:experiment" };
    if (run.runDir) return { value: baseName(run.runDir), source: "timm:experiment-dir" };
  }
  const runName = stringAt(facts.training_args, "run_name");
  // TrainingArguments.run_name defaults to output_dir: a path names the run by its last directory.
  if (runName) return { value: baseName(runName), source: "training_args.bin:run_name" };
  if (run.runDir && run.hfTrainerState) return { value: baseName(run.runDir), source: "hf:output_dir" };
  return null;
}

/**
 * The experiment name and where it came from: a Hydra config key (`exp_name`, `experiment_name`, `run_name`,
 * `name`), the Lightning logger name, the framework's own run name (Ultralytics `name`, timm `experiment`, HF
 * `run_name` or output dir), Hydra's `outputs/<name>/…` layout, the Hydra job name, else the run directory.
 */
export function extractExpName(facts: ReportFacts, run: RunContext): Named {
  const fromHydra = hydraConfigName(run);
  if (fromHydra) return fromHydra;
  if (run.loggerName && run.loggerName !== "lightning_logs") {
    return { value: run.loggerName, source: "lightning-logger" };
  }
  const fromFramework = frameworkName(facts, run);
  if (fromFramework) return fromFramework;
  const layout = hydraLayoutName(run.runDir);
  if (layout) return { value: layout, source: "run-dir" };
  const job = run.hydra?.runtime?.jobName;
  if (job) return { value: job, source: "hydra:job.name" };
  const dir = run.runDir ? baseName(run.runDir) : "";
  return dir ? { value: dir, source: "run-dir" } : { value: "unknown", source: DEFAULT_SOURCE };
}
