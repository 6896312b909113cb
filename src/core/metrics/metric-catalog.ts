import type { MetricDefinition, MetricFormat } from "./metric-definition.ts";
import type { TaskType } from "./task-types.ts";

const MAX = true;
const MIN = false;

type DefinitionRow = readonly [
  label: string,
  format: MetricFormat,
  higherIsBetter: boolean,
  description: string,
];

// One row per canonical metric: label, format, higher_is_better, description. Quality metrics are validation-set values.
const DEFINITION_ROWS = {
  hmean: ["H-mean", "percent", MAX, "Harmonic mean of precision and recall (F1)"],
  precision: ["Precision", "percent", MAX, "Share of predictions that are correct"],
  recall: ["Recall", "percent", MAX, "Share of ground-truth objects that are found"],
  validation_loss: ["Val loss", "float", MIN, "Loss on the validation set"],
  train_loss: ["Train loss", "float", MIN, "Loss on the training set"],
  accuracy: ["Accuracy", "percent", MAX, "Top-1 accuracy on the validation set"],
  top5_accuracy: ["Top-5 acc", "percent", MAX, "Top-5 accuracy on the validation set"],
  mAP50: ["mAP@0.5", "percent", MAX, "Box mean average precision at IoU 0.5"],
  "mAP50-95": ["mAP@.5:.95", "percent", MAX, "Box mean average precision over IoU 0.5-0.95"],
  train_box_loss: ["Train box loss", "float", MIN, "Box regression loss on the training set"],
  train_cls_loss: ["Train cls loss", "float", MIN, "Classification loss on the training set"],
  train_dfl_loss: ["Train DFL loss", "float", MIN, "Distribution focal loss on the training set"],
  val_box_loss: ["Val box loss", "float", MIN, "Box regression loss on the validation set"],
  val_cls_loss: ["Val cls loss", "float", MIN, "Classification loss on the validation set"],
  val_dfl_loss: ["Val DFL loss", "float", MIN, "Distribution focal loss on the validation set"],
  mask_mAP50: ["Mask mAP@0.5", "percent", MAX, "Mask mean average precision at IoU 0.5"],
  "mask_mAP50-95": ["Mask mAP@.5:.95", "percent", MAX, "Mask mean average precision over IoU 0.5-0.95"],
  mask_precision: ["Mask precision", "percent", MAX, "Precision of predicted masks"],
  mask_recall: ["Mask recall", "percent", MAX, "Recall of predicted masks"],
  train_seg_loss: ["Train seg loss", "float", MIN, "Mask segmentation loss on the training set"],
  val_seg_loss: ["Val seg loss", "float", MIN, "Mask segmentation loss on the validation set"],
  pose_mAP50: ["Pose mAP@0.5", "percent", MAX, "Keypoint mean average precision at OKS 0.5"],
  "pose_mAP50-95": ["Pose mAP@.5:.95", "percent", MAX, "Keypoint mean average precision over OKS 0.5-0.95"],
  pose_precision: ["Pose precision", "percent", MAX, "Precision of predicted keypoints"],
  pose_recall: ["Pose recall", "percent", MAX, "Recall of predicted keypoints"],
  train_pose_loss: ["Train pose loss", "float", MIN, "Keypoint location loss on the training set"],
  val_pose_loss: ["Val pose loss", "float", MIN, "Keypoint location loss on the validation set"],
  train_kobj_loss: ["Train kobj loss", "float", MIN, "Keypoint objectness loss on the training set"],
  val_kobj_loss: ["Val kobj loss", "float", MIN, "Keypoint objectness loss on the validation set"],
  miou: ["mIoU", "percent", MAX, "Mean intersection over union across classes"],
  pixel_accuracy: ["Pixel acc", "percent", MAX, "Share of correctly labelled pixels"],
  perplexity: ["Perplexity", "float", MIN, "Exponential of the validation loss per token"],
} as const satisfies Record<string, DefinitionRow>;

/** Canonical metric names: the keys of `standard` in normalized metrics and of sidecar `metrics`. */
export type CanonicalMetric = keyof typeof DEFINITION_ROWS;

export type TaskMetrics = {
  /** The metric that picks the best checkpoint unless the checkpoint callback monitored something else. */
  readonly primary: CanonicalMetric;
  /** Shown as columns; the primary is always first. */
  readonly standard: readonly CanonicalMetric[];
};

const DETECTION_LOSSES = [
  "train_box_loss",
  "train_cls_loss",
  "train_dfl_loss",
  "val_box_loss",
  "val_cls_loss",
  "val_dfl_loss",
] as const;

/** Per-task primary and standard metrics (DESIGN §4); everything else a run logs is custom. */
export const TASK_METRICS = {
  "text-detection": { primary: "hmean", standard: ["hmean", "precision", "recall", "validation_loss"] },
  "image-classification": {
    primary: "accuracy",
    standard: ["accuracy", "top5_accuracy", "train_loss", "validation_loss"],
  },
  "object-detection": {
    primary: "mAP50",
    standard: ["mAP50", "mAP50-95", "precision", "recall", ...DETECTION_LOSSES],
  },
  "instance-segmentation": {
    primary: "mask_mAP50",
    standard: ["mask_mAP50", "mask_mAP50-95", "mAP50", "mAP50-95", "train_seg_loss", "val_seg_loss"],
  },
  "semantic-segmentation": {
    primary: "miou",
    standard: ["miou", "pixel_accuracy", "train_loss", "validation_loss"],
  },
  "pose-estimation": {
    primary: "pose_mAP50",
    standard: ["pose_mAP50", "pose_mAP50-95", "mAP50", "mAP50-95", "train_pose_loss", "val_pose_loss"],
  },
  "language-modelling": {
    primary: "validation_loss",
    standard: ["validation_loss", "perplexity", "train_loss"],
  },
  // No task-specific metric: the checkpoint callback's monitor wins, else validation loss.
  generic: { primary: "validation_loss", standard: ["validation_loss", "train_loss"] },
} as const satisfies Record<TaskType, TaskMetrics>;

export function taskMetrics(task: TaskType): TaskMetrics {
  return TASK_METRICS[task];
}

export function isCanonicalMetric(name: string): name is CanonicalMetric {
  return Object.hasOwn(DEFINITION_ROWS, name);
}

/** @example metricDefinition("hmean") → { name: "hmean", label: "H-mean", format: "percent", higher_is_better: true, … } */
export function metricDefinition(name: CanonicalMetric): MetricDefinition {
  const [label, format, higherIsBetter, description] = DEFINITION_ROWS[name];
  return { name, label, format, higher_is_better: higherIsBetter, description };
}

/** Every canonical definition, in table order. */
export function allMetricDefinitions(): MetricDefinition[] {
  return Object.keys(DEFINITION_ROWS).flatMap((name) =>
    isCanonicalMetric(name) ? [metricDefinition(name)] : [],
  );
}
