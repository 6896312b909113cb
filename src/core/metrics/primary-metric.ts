import { assertNever } from "../assert-never.ts";
import { canonicalMetricName, pickLoggedName } from "./metric-aliases.ts";
import { type CanonicalMetric, metricDefinition, taskMetrics } from "./metric-catalog.ts";
import type { TaskType } from "./task-types.ts";

/** What the checkpoint callback of each framework says it optimised; fields are null when the file does not say. */
export type CheckpointMonitor =
  /** Lightning `ModelCheckpoint` state key / state: `monitor` is the logged key, `mode` defaults to "min". */
  | { readonly kind: "lightning"; readonly monitor: string | null; readonly mode: "min" | "max" | null }
  /** HF `TrainingArguments.metric_for_best_model` (Trainer adds the `eval_` prefix) and `greater_is_better`. */
  | {
      readonly kind: "hf-trainer";
      readonly metricForBestModel: string | null;
      readonly greaterIsBetter: boolean | null;
    }
  /**
   * timm `--eval-metric` (default `top1`, logged as `eval_<name>`); `decreasing` is true for `loss`. Without an eval
   * set train.py ranks by the training loss (`train_loss`): `split: "train"`.
   */
  | {
      readonly kind: "timm";
      readonly evalMetric: string | null;
      readonly decreasing: boolean | null;
      readonly split?: "eval" | "train";
    }
  /** Ultralytics keeps `best.pt` by `fitness` (see `ultralytics-fitness.ts`), higher is better. */
  | { readonly kind: "ultralytics" }
  /** A plain `torch.save` dict's conventional key (`val_loss`, `acc1`, `best_acc1`, `loss`) and its direction. */
  | { readonly kind: "conventional"; readonly key: string; readonly higherIsBetter: boolean }
  | { readonly kind: "none" };

/** Why the primary metric is what it is: a checkpoint callback's monitor, a plain dict's conventional key, … */
export const PRIMARY_SOURCES = ["monitor", "conventional-key", "task-default", "fallback"] as const;
export type PrimarySource = (typeof PRIMARY_SOURCES)[number];

export type PrimaryMetric = {
  /** The name as logged (a key of the raw metrics), or the canonical name when nothing matching was logged. */
  readonly name: string;
  readonly canonical: CanonicalMetric | null;
  readonly higherIsBetter: boolean;
  readonly source: PrimarySource;
};

export type ChoosePrimaryOptions = {
  readonly task: TaskType;
  /** @default { kind: "none" } */
  readonly monitor?: CheckpointMonitor;
  /** Logged metric names; when given, the task default must be among them or the fallback is tried. */
  readonly available?: Iterable<string>;
};

type MonitorChoice = {
  readonly name: string;
  readonly higherIsBetter: boolean | null;
  readonly source?: PrimarySource;
};

function monitorChoice(monitor: CheckpointMonitor): MonitorChoice | null {
  switch (monitor.kind) {
    case "lightning":
      if (!monitor.monitor) return null;
      return { name: monitor.monitor, higherIsBetter: monitor.mode === null ? null : monitor.mode === "max" };
    case "hf-trainer": {
      const metric = monitor.metricForBestModel;
      if (!metric) return null;
      const name = metric.startsWith("eval_") ? metric : `eval_${metric}`;
      // HF's own default: greater_is_better = not metric_for_best_model.endswith("loss").
      return { name, higherIsBetter: monitor.greaterIsBetter ?? !metric.endsWith("loss") };
    }
    case "timm": {
      const metric = monitor.evalMetric ?? "top1";
      const name = monitor.split === "train" ? "train_loss" : `eval_${metric}`;
      return { name, higherIsBetter: !(monitor.decreasing ?? metric === "loss") };
    }
    case "ultralytics":
      return { name: "fitness", higherIsBetter: true };
    case "conventional":
      return { name: monitor.key, higherIsBetter: monitor.higherIsBetter, source: "conventional-key" };
    case "none":
      return null;
    default:
      return assertNever(monitor);
  }
}

function fromMonitor(choice: MonitorChoice): PrimaryMetric {
  const { canonical } = canonicalMetricName(choice.name);
  // Lightning's default mode is "min", but a state without a mode is rare; the definition knows better.
  const fallbackDirection = canonical ? metricDefinition(canonical).higher_is_better : false;
  return {
    name: choice.name,
    canonical,
    higherIsBetter: choice.higherIsBetter ?? fallbackDirection,
    source: choice.source ?? "monitor",
  };
}

function fromCanonical(
  canonical: CanonicalMetric,
  loggedName: string | null,
  source: PrimarySource,
): PrimaryMetric {
  return {
    name: loggedName ?? canonical,
    canonical,
    higherIsBetter: metricDefinition(canonical).higher_is_better,
    source,
  };
}

/**
 * The metric that picks the best checkpoint: the checkpoint callback's monitor and mode when there is one, else the
 * task's primary metric, else validation loss (source "fallback": generic tasks, or the task metric was not logged).
 * @example choosePrimaryMetric({ task: "generic", monitor: { kind: "lightning", monitor: "val/hmean", mode: "max" } })
 *   → { name: "val/hmean", canonical: "hmean", higherIsBetter: true, source: "monitor" }
 */
export function choosePrimaryMetric(options: ChoosePrimaryOptions): PrimaryMetric {
  const choice = monitorChoice(options.monitor ?? { kind: "none" });
  if (choice) return fromMonitor(choice);
  const available = options.available === undefined ? null : [...options.available];
  const { primary } = taskMetrics(options.task);
  const taskDefaultSource: PrimarySource = options.task === "generic" ? "fallback" : "task-default";
  if (available === null) return fromCanonical(primary, null, taskDefaultSource);
  const logged = pickLoggedName(primary, available);
  if (logged !== null) return fromCanonical(primary, logged, taskDefaultSource);
  const validationLoss = pickLoggedName("validation_loss", available);
  if (validationLoss !== null) return fromCanonical("validation_loss", validationLoss, "fallback");
  return fromCanonical(primary, null, taskDefaultSource);
}
