import { describe, expect, test } from "bun:test";
import { inferTask, type TaskEvidence, type TaskInference } from "../../../src/core/metrics/infer-task.ts";

const LIGHTNING_COLUMNS = [
  "epoch",
  "lr-Adam",
  "step",
  "train/loss_epoch",
  "train/loss_step",
  "val/hmean",
  "val/loss",
];
const ULTRALYTICS_COLUMNS = [
  "epoch",
  "time",
  "train/box_loss",
  "metrics/precision(B)",
  "metrics/mAP50(B)",
  "lr/pg0",
];

const cases: readonly (readonly [string, TaskEvidence, TaskInference])[] = [
  [
    "Ultralytics detect run (fixture train_args.task)",
    { framework: "ultralytics", ultralyticsTask: "detect", metricNames: ULTRALYTICS_COLUMNS },
    { task: "object-detection", confidence: "high", reason: 'Ultralytics task "detect"' },
  ],
  [
    "Ultralytics segment",
    { framework: "ultralytics", ultralyticsTask: "segment" },
    { task: "instance-segmentation", confidence: "high", reason: 'Ultralytics task "segment"' },
  ],
  [
    "Ultralytics pose",
    { framework: "ultralytics", ultralyticsTask: "pose" },
    { task: "pose-estimation", confidence: "high", reason: 'Ultralytics task "pose"' },
  ],
  [
    "Ultralytics classify",
    { framework: "ultralytics", ultralyticsTask: "classify" },
    { task: "image-classification", confidence: "high", reason: 'Ultralytics task "classify"' },
  ],
  [
    "Ultralytics obb",
    { framework: "ultralytics", ultralyticsTask: "obb" },
    { task: "object-detection", confidence: "high", reason: 'Ultralytics task "obb"' },
  ],
  [
    "Ultralytics stripped weights: task from (M) columns",
    { framework: "ultralytics", metricNames: ["metrics/mAP50(B)", "metrics/mAP50(M)"] },
    { task: "instance-segmentation", confidence: "medium", reason: 'logged metric "metrics/mAP50(M)"' },
  ],
  [
    "Ultralytics with nothing else",
    { framework: "ultralytics" },
    {
      task: "object-detection",
      confidence: "low",
      reason: "Ultralytics run without a task (default detect)",
    },
  ],
  [
    "timm run",
    { framework: "timm", metricNames: ["train_loss", "eval_loss", "eval_top1", "eval_top5"] },
    { task: "image-classification", confidence: "high", reason: "timm trains image classifiers" },
  ],
  [
    "HF causal LM",
    { framework: "hf-trainer", architectures: ["LlamaForCausalLM"], metricNames: ["loss", "eval_loss"] },
    { task: "language-modelling", confidence: "high", reason: "architecture LlamaForCausalLM" },
  ],
  [
    "HF GPT-2 LM head",
    { framework: "hf-trainer", architectures: ["GPT2LMHeadModel"] },
    { task: "language-modelling", confidence: "high", reason: "architecture GPT2LMHeadModel" },
  ],
  [
    "HF sequence classification",
    { framework: "hf-trainer", architectures: ["BertForSequenceClassification"] },
    {
      task: "image-classification",
      confidence: "high",
      reason: "architecture BertForSequenceClassification",
    },
  ],
  [
    "HF semantic segmentation",
    { framework: "hf-trainer", architectures: ["SegformerForSemanticSegmentation"] },
    {
      task: "semantic-segmentation",
      confidence: "high",
      reason: "architecture SegformerForSemanticSegmentation",
    },
  ],
  [
    "HF object detection",
    { framework: "hf-trainer", architectures: ["DetrForObjectDetection"] },
    { task: "object-detection", confidence: "high", reason: "architecture DetrForObjectDetection" },
  ],
  [
    "HF problem_type",
    { framework: "hf-trainer", problemType: "multi_label_classification" },
    {
      task: "image-classification",
      confidence: "medium",
      reason: 'problem_type "multi_label_classification"',
    },
  ],
  [
    "HF metrics only",
    { framework: "hf-trainer", metricNames: ["loss", "eval_loss", "eval_accuracy"] },
    { task: "image-classification", confidence: "medium", reason: 'logged metric "eval_accuracy"' },
  ],
  [
    "HF losses only",
    { framework: "hf-trainer", metricNames: ["loss", "learning_rate", "eval_loss"] },
    { task: "language-modelling", confidence: "low", reason: "HF Trainer run that logs only losses" },
  ],
  [
    "Lightning DBNet hparams (fixture dbnet_r18_dev_full)",
    { framework: "lightning", hints: ["resnet18", "dbnet", "unet"], metricNames: LIGHTNING_COLUMNS },
    { task: "text-detection", confidence: "medium", reason: 'hyperparameter "dbnet"' },
  ],
  [
    "Lightning without hparams (fixture dbnet_r18_dev_legacy): metric names",
    { framework: "lightning", metricNames: LIGHTNING_COLUMNS },
    { task: "text-detection", confidence: "medium", reason: 'logged metric "val/hmean"' },
  ],
  [
    "cleval metrics",
    { framework: "lightning", metricNames: ["cleval/precision"] },
    { task: "text-detection", confidence: "medium", reason: 'logged metric "cleval/precision"' },
  ],
  [
    "mIoU",
    { framework: "lightning", metricNames: ["train_loss", "val/mIoU"] },
    { task: "semantic-segmentation", confidence: "medium", reason: 'logged metric "val/mIoU"' },
  ],
  [
    "top1 without framework",
    { metricNames: ["top1", "top5"] },
    { task: "image-classification", confidence: "medium", reason: 'logged metric "top1"' },
  ],
  [
    "a bare f1 is not text detection",
    { framework: "lightning", metricNames: ["val/f1", "val_loss"] },
    { task: "generic", confidence: "low", reason: "no task evidence: using the generic metric table" },
  ],
  [
    "plain torch checkpoint",
    { framework: "torch" },
    { task: "generic", confidence: "low", reason: "no task evidence: using the generic metric table" },
  ],
];

describe("inferTask", () => {
  test.each(cases)("%s", (_name, evidence, expected) => {
    expect(inferTask(evidence)).toEqual(expected);
  });
});
