import {
  inferTask,
  type TaskEvidence,
  type TaskFramework,
  type TaskInference,
} from "../metrics/infer-task.ts";
import type { FitnessFormula } from "../metrics/ultralytics-fitness.ts";
import {
  checkpointNameFromPath,
  type FilenameFacts,
  parseCheckpointName,
  parseCheckpointNameWithTemplate,
} from "../runs/filename-metrics.ts";
import { answerMemo } from "./answer-memo.ts";
import { type AssemblyProblem, type Extracted, type FieldSources, warning } from "./assembly-notes.ts";
import { CKPT_GENERATOR_NAME } from "./ckpt-generator.ts";
import { type CheckpointingFacts, extractCheckpointing } from "./extract-checkpointing.ts";
import { type ConventionalFacts, conventionalFacts } from "./extract-conventional.ts";
import {
  buildMetricsSection,
  type CollectedMetrics,
  collectMetrics,
  type SourcedValue,
} from "./extract-metrics.ts";
import { extractModelInfo } from "./extract-model-info.ts";
import { extractExpName, extractTraining, type TrainingFacts } from "./extract-training.ts";
import { computedFitness, ultralyticsFinalEpoch, ultralyticsFormulaOf } from "./extract-ultralytics.ts";
import { type CheckpointMetadataV1, CURRENT_SCHEMA_VERSION, type ModelInfo } from "./metadata-schema.ts";
import { stringAt } from "./plain-values.ts";
import { isAssemblable, type ReportFacts, readReportFacts } from "./report-facts.ts";
import type { RunContext } from "./run-context-model.ts";
import { validateAssembledMetadata } from "./validate-metadata.ts";

export type AssembleInput = {
  /** The checkpoint reader's `CheckpointReport` (read through `ReportFacts`). */
  readonly report: unknown;
  readonly run: RunContext;
  readonly paths: {
    /** Absolute path of the checkpoint (a symlink already resolved): matched against ModelCheckpoint paths. */
    readonly checkpoint: string;
    /** `checkpoint_path`: relative to the scanned root (absolute when outside it). */
    readonly relativeCheckpoint: string;
    /** `hydra_config_path`: relative to the scanned root, or null. */
    readonly relativeHydraConfig: string | null;
  };
  /** The checkpoint file's size and mtime (ISO 8601); the mtime is also `created_at`. */
  readonly file: { readonly size: number; readonly mtime: string };
  readonly generatorVersion: string;
};

export type AssembleResult = {
  /** Null when the report holds no checkpoint (unreadable, corrupt) or, by a bug, the result failed validation. */
  readonly metadata: CheckpointMetadataV1 | null;
  readonly task: string;
  readonly problems: readonly AssemblyProblem[];
};

const FRAMEWORKS: Readonly<Record<string, TaskFramework>> = {
  lightning: "lightning",
  timm: "timm",
  ultralytics: "ultralytics",
  "hf-trainer": "hf-trainer",
  "plain-torch": "torch",
  safetensors: "torch",
  deepspeed: "torch",
  "torch-dcp": "torch",
  accelerate: "torch",
  peft: "torch",
  megatron: "torch",
};

function frameworkOf(facts: ReportFacts, run: RunContext): string {
  if (facts.framework) return facts.framework;
  return run.hfTrainerState ? "hf-trainer" : "unknown";
}

function filenameFacts(path: string, checkpointing: CheckpointingFacts): FilenameFacts {
  const name = checkpointNameFromPath(path);
  const { template } = checkpointing;
  return (template && parseCheckpointNameWithTemplate(name, template)) ?? parseCheckpointName(name);
}

// The checkpoints of a run give the same evidence (framework, args, model names, logged metric names): the task is
// decided once per distinct evidence (matching every logged name against the alias table was 2 % of a cold scan).
const inferredTasks = answerMemo<TaskInference>();

function inferTaskOnce(evidence: TaskEvidence): TaskInference {
  return inferredTasks(JSON.stringify(evidence), () => inferTask(evidence));
}

function taskOf(facts: ReportFacts, run: RunContext, model: ModelInfo, metricNames: string[]) {
  const architectures = run.hfConfig?.["architectures"];
  return inferTaskOnce({
    framework: FRAMEWORKS[frameworkOf(facts, run)] ?? "unknown",
    ultralyticsTask: stringAt(facts.train_args, "task") ?? stringAt(run.ultralyticsArgs, "task") ?? null,
    problemType: stringAt(run.hfConfig, "problem_type") ?? null,
    architectures: Array.isArray(architectures)
      ? architectures.filter((item) => typeof item === "string")
      : [],
    hints: [
      model.architecture,
      model.encoder.model_name,
      model.decoder.name,
      model.head.name,
      model.loss.name,
    ],
    metricNames,
  });
}

function safetyProblems(facts: ReportFacts): AssemblyProblem[] {
  if (facts.safety?.status !== "unsafe") return [];
  const named = facts.safety.dangerous.join(", ") || "dangerous callables";
  return [warning("unsafe-checkpoint", `the pickle calls ${named}: never torch.load this file`)];
}

function unreadable(facts: ReportFacts): AssembleResult {
  const reason = facts.error?.message ?? `status ${facts.status ?? "unknown"}`;
  return {
    metadata: null,
    task: "generic",
    problems: [
      { code: "not-a-checkpoint", severity: "error", message: `not a readable checkpoint: ${reason}` },
    ],
  };
}

function statedValues(
  checkpointing: CheckpointingFacts,
  conventional: ConventionalFacts,
): [string, SourcedValue][] {
  const { monitor, statedValue } = checkpointing;
  const stated: [string, SourcedValue][] = conventional.metrics.map(([name, found]) => [name, found]);
  if (statedValue && monitor.kind === "hf-trainer" && monitor.metricForBestModel)
    stated.push([monitor.metricForBestModel, statedValue]);
  return stated;
}

/** The checkpoint's logged values, plus the Ultralytics fitness computed from them when the file saved none. */
function metricsOf(
  facts: ReportFacts,
  input: AssembleInput,
  parts: MetricInputs,
): Extracted<CollectedMetrics> {
  const { checkpointing, training, filename, conventional, formula } = parts;
  const { monitor, state, config } = checkpointing.value;
  const collected = collectMetrics({
    facts,
    run: input.run,
    target: training.value.target,
    state,
    monitorName: monitor.kind === "lightning" ? monitor.monitor : null,
    checkpointPath: input.paths.checkpoint,
    filename,
    timmMetricName: monitor.kind === "timm" ? config.monitor : null,
    stated: statedValues(checkpointing.value, conventional),
  });
  const fitness = computedFitness(formula, collected.value);
  return fitness === null ? collected : { ...collected, value: { ...collected.value, fitness } };
}

type MetricInputs = {
  readonly checkpointing: Extracted<CheckpointingFacts>;
  readonly training: Extracted<TrainingFacts>;
  readonly filename: FilenameFacts;
  readonly conventional: ConventionalFacts;
  readonly formula: FitnessFormula | null;
};

/** Runs the extractors in dependency order: checkpointing → file name → training → metrics → task. */
function extractAll(facts: ReportFacts, input: AssembleInput) {
  const { run, paths } = input;
  const checkpointing = extractCheckpointing(facts, run, paths.checkpoint);
  const filename = filenameFacts(paths.checkpoint, checkpointing.value);
  const conventional = conventionalFacts(facts);
  const formula = ultralyticsFormulaOf(facts, run);
  const finalEpoch = ultralyticsFinalEpoch({ facts, run, checkpointPath: paths.checkpoint, formula });
  const training = extractTraining({ facts, run, filename, finalEpoch, conventionalStep: conventional.step });
  const model = extractModelInfo(facts, run, conventional.architecture);
  const collected = metricsOf(facts, input, { checkpointing, training, filename, conventional, formula });
  const task = taskOf(facts, run, model.value, Object.keys(collected.value));
  const monitor =
    checkpointing.value.monitor.kind === "none" ? conventional.monitor : checkpointing.value.monitor;
  const section = buildMetricsSection(collected.value, { task: task.task, monitor });
  const { exactEpoch } = training.value;
  const metrics = section.value.metrics;
  if (exactEpoch !== null) metrics.additional_metrics = { ...metrics.additional_metrics, epoch: exactEpoch };
  const problems = [...training.problems, ...collected.problems, ...section.problems];
  return { checkpointing, training, model, section, metrics, task, exactEpoch, problems };
}

function sourcesOf(
  parts: ReturnType<typeof extractAll>,
  input: AssembleInput,
  expNameSource: string,
): FieldSources {
  return {
    checkpoint_path: "scan-root",
    exp_name: expNameSource,
    created_at: "file-mtime",
    ...parts.training.sources,
    ...parts.model.sources,
    ...parts.section.sources,
    ...parts.checkpointing.sources,
    ...(input.paths.relativeHydraConfig ? { hydra_config_path: "hydra" } : {}),
    ...(input.run.wandbRunId ? { wandb_run_id: "wandb" } : {}),
    ...(parts.exactEpoch === null ? {} : { "metrics.additional_metrics.epoch": "trainer_state.json" }),
  };
}

function safetyOf(facts: ReportFacts) {
  const safety = facts.safety;
  return safety
    ? { safety: { status: safety.status, dangerous: safety.dangerous, unknown: safety.unknown } }
    : {};
}

/**
 * Builds the `CheckpointMetadataV1` of one checkpoint from the reader's facts and its run's files, following the
 * seeds' extraction rules, records where every filled field came from under `ckpt.sources`, and validates the
 * result. Pure: the caller reads files and formats times.
 */
export function assembleMetadata(input: AssembleInput): AssembleResult {
  const facts = readReportFacts(input.report);
  if (!isAssemblable(facts)) return unreadable(facts);
  const { run, paths } = input;
  const parts = extractAll(facts, input);
  const expName = extractExpName(facts, run);
  const metadata: CheckpointMetadataV1 = {
    schema_version: CURRENT_SCHEMA_VERSION,
    checkpoint_path: paths.relativeCheckpoint,
    exp_name: expName.value,
    created_at: input.file.mtime,
    training: parts.training.value.training,
    model: parts.model.value,
    metrics: parts.metrics,
    checkpointing: parts.checkpointing.value.config,
    hydra_config_path: paths.relativeHydraConfig,
    wandb_run_id: run.wandbRunId,
    ckpt: {
      framework: frameworkOf(facts, run),
      task: parts.task.task,
      primary_metric: parts.section.value.primary,
      file: { size: input.file.size, mtime: input.file.mtime },
      ...safetyOf(facts),
      sources: sourcesOf(parts, input, expName.source),
      generator: { name: CKPT_GENERATOR_NAME, version: input.generatorVersion },
    },
  };
  const problems = [
    ...safetyProblems(facts),
    ...parts.problems,
    ...run.problems.map((error) => warning("run-file", error.message)),
  ];
  return finish(metadata, parts.task.task, problems);
}

function finish(metadata: CheckpointMetadataV1, task: string, problems: AssemblyProblem[]): AssembleResult {
  const checked = validateAssembledMetadata(metadata);
  if (checked.valid) return { metadata, task, problems };
  const errors = checked.problems.filter((problem) => problem.severity === "error");
  const detail = errors.map((problem) => `${problem.path}: ${problem.message}`).join("; ");
  return {
    metadata: null,
    task,
    problems: [
      ...problems,
      {
        code: "invalid-metadata",
        severity: "error",
        message: `assembled metadata is invalid (${detail}); this is a bug in ckpt`,
      },
    ],
  };
}
