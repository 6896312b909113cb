import { canonicalMetricName } from "./metric-aliases.ts";
import type { CanonicalMetric } from "./metric-catalog.ts";
import type { TaskType } from "./task-types.ts";

export const TASK_FRAMEWORKS = [
  "lightning",
  "timm",
  "ultralytics",
  "hf-trainer",
  "torch",
  "unknown",
] as const;
export type TaskFramework = (typeof TASK_FRAMEWORKS)[number];

export const TASK_CONFIDENCES = ["high", "medium", "low"] as const;
export type TaskConfidence = (typeof TASK_CONFIDENCES)[number];

/** Everything a run says about its task; every field is optional and the strongest evidence wins. */
export type TaskEvidence = {
  readonly framework?: TaskFramework;
  /** Ultralytics `train_args.task` / `args.yaml` `task`: detect, segment, pose, classify, obb. */
  readonly ultralyticsTask?: string | null;
  /** HF `config.json` `problem_type`. */
  readonly problemType?: string | null;
  /** HF `config.json` `architectures`, e.g. `BertForSequenceClassification`. */
  readonly architectures?: readonly string[];
  /** String values from hparams (Lightning `hyper_parameters`, Hydra config): architecture and class names. */
  readonly hints?: readonly string[];
  /** Logged metric names from any source. */
  readonly metricNames?: readonly string[];
};

export type TaskInference = {
  readonly task: TaskType;
  readonly confidence: TaskConfidence;
  /** One line for `ckpt show` and logs, naming the evidence. */
  readonly reason: string;
};

const ULTRALYTICS_TASKS: Readonly<Record<string, TaskType>> = {
  detect: "object-detection",
  obb: "object-detection",
  segment: "instance-segmentation",
  pose: "pose-estimation",
  classify: "image-classification",
};

// Text classification has no task of its own; it shares the classification metric table.
const ARCHITECTURE_PATTERNS: readonly (readonly [RegExp, TaskType])[] = [
  [/(For(CausalLM|MaskedLM|Seq2SeqLM|ConditionalGeneration)|LMHeadModel)$/, "language-modelling"],
  [/For(Image|Sequence|Audio)Classification$/, "image-classification"],
  [/For(Instance|Universal|Panoptic)Segmentation$/, "instance-segmentation"],
  [/ForSemanticSegmentation$/, "semantic-segmentation"],
  [/ForObjectDetection$/, "object-detection"],
  [/For(Keypoint|Pose)(Detection|Estimation)$/, "pose-estimation"],
  // A regression head names its task: none of the tables, not the language-modelling default of HF runs.
  [/ForRegression$/, "generic"],
];

const PROBLEM_TYPES: Readonly<Record<string, TaskType>> = {
  single_label_classification: "image-classification",
  multi_label_classification: "image-classification",
  regression: "generic",
};

// Substrings of lower-cased hparam values; more specific names first (mask_rcnn before rcnn).
const HINT_TOKENS: readonly (readonly [string, TaskType])[] = [
  ["dbnet", "text-detection"],
  ["craft", "text-detection"],
  ["textdet", "text-detection"],
  ["text_detection", "text-detection"],
  ["text-detection", "text-detection"],
  ["maskrcnn", "instance-segmentation"],
  ["mask_rcnn", "instance-segmentation"],
  ["yolo", "object-detection"],
  ["detr", "object-detection"],
  ["rcnn", "object-detection"],
  ["segformer", "semantic-segmentation"],
  ["deeplab", "semantic-segmentation"],
];

const METRIC_TASKS: readonly (readonly [(canonical: CanonicalMetric) => boolean, TaskType])[] = [
  [(name) => name.startsWith("mask_"), "instance-segmentation"],
  [(name) => name.startsWith("pose_"), "pose-estimation"],
  [(name) => name === "mAP50" || name === "mAP50-95", "object-detection"],
  [(name) => name === "miou" || name === "pixel_accuracy", "semantic-segmentation"],
  [(name) => name === "accuracy" || name === "top5_accuracy", "image-classification"],
  [(name) => name === "perplexity", "language-modelling"],
];

type Rule = (evidence: TaskEvidence) => TaskInference | null;

const fromUltralyticsTask: Rule = ({ ultralyticsTask }) => {
  const task = ultralyticsTask ? ULTRALYTICS_TASKS[ultralyticsTask.toLowerCase()] : undefined;
  return task ? { task, confidence: "high", reason: `Ultralytics task "${ultralyticsTask}"` } : null;
};

const fromTimm: Rule = ({ framework }) =>
  framework === "timm"
    ? { task: "image-classification", confidence: "high", reason: "timm trains image classifiers" }
    : null;

const fromArchitectures: Rule = ({ architectures = [] }) => {
  for (const architecture of architectures) {
    const found = ARCHITECTURE_PATTERNS.find(([pattern]) => pattern.test(architecture));
    if (found) return { task: found[1], confidence: "high", reason: `architecture ${architecture}` };
  }
  return null;
};

const fromProblemType: Rule = ({ problemType }) => {
  const task = problemType ? PROBLEM_TYPES[problemType] : undefined;
  return task ? { task, confidence: "medium", reason: `problem_type "${problemType}"` } : null;
};

const fromHints: Rule = ({ hints = [] }) => {
  for (const hint of hints) {
    const lower = hint.toLowerCase();
    const found = HINT_TOKENS.find(([token]) => lower.includes(token));
    if (found) return { task: found[1], confidence: "medium", reason: `hyperparameter "${hint}"` };
  }
  return null;
};

const fromMetricNames: Rule = ({ metricNames = [] }) => {
  // hmean is the text-detection metric; a bare f1 is not evidence (classifiers log it too).
  const textDetection = metricNames.find((name) => /(^|\/|_)hmean($|_)|^cleval\//i.test(name));
  if (textDetection)
    return { task: "text-detection", confidence: "medium", reason: `logged metric "${textDetection}"` };
  for (const [matches, task] of METRIC_TASKS) {
    const found = metricNames.find((name) => {
      const { canonical } = canonicalMetricName(name);
      return canonical !== null && matches(canonical);
    });
    if (found) return { task, confidence: "medium", reason: `logged metric "${found}"` };
  }
  return null;
};

const fromFrameworkDefault: Rule = ({ framework }) => {
  if (framework === "ultralytics") {
    return {
      task: "object-detection",
      confidence: "low",
      reason: "Ultralytics run without a task (default detect)",
    };
  }
  if (framework === "hf-trainer") {
    return { task: "language-modelling", confidence: "low", reason: "HF Trainer run that logs only losses" };
  }
  return null;
};

const RULES: readonly Rule[] = [
  fromUltralyticsTask,
  fromTimm,
  fromArchitectures,
  fromProblemType,
  fromHints,
  fromMetricNames,
  fromFrameworkDefault,
];

/**
 * Decide a run's task from the strongest evidence: Ultralytics task, timm, HF architectures and problem_type,
 * hparam hints, logged metric names, framework defaults; else `generic`.
 * @example inferTask({ framework: "lightning", metricNames: ["val/hmean"] })
 *   → { task: "text-detection", confidence: "medium", reason: 'logged metric "val/hmean"' }
 */
export function inferTask(evidence: TaskEvidence): TaskInference {
  for (const rule of RULES) {
    const inferred = rule(evidence);
    if (inferred) return inferred;
  }
  return { task: "generic", confidence: "low", reason: "no task evidence: using the generic metric table" };
}
