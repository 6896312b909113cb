import { canonicalMetricName } from "../metrics/metric-aliases.ts";
import type { CheckpointMonitor } from "../metrics/primary-metric.ts";
import { isRecord, stringAt } from "./plain-values.ts";
import type { ReportFacts } from "./report-facts.ts";

/** A value read from a plain checkpoint's top-level key; the source names the key. */
export type KeyedValue<T> = { readonly value: T; readonly source: string };

/**
 * What a plain `torch.save` dict says through the keys hand-written loops conventionally use (the PyTorch ImageNet
 * example's `arch`/`best_acc1`, the tutorial's `epoch`/`loss`, `global_step`/`step`/`iteration`): each read as
 * a fact with its key as the source. Nothing else is inferred.
 */
export type ConventionalFacts = {
  readonly architecture: KeyedValue<string> | null;
  readonly step: KeyedValue<number> | null;
  /** Metric key → value, in the file's key order. */
  readonly metrics: readonly (readonly [string, KeyedValue<number>])[];
  /** The key that ranks the file among its run's, with its direction; `none` when the file has none. */
  readonly monitor: CheckpointMonitor;
};

const NONE: ConventionalFacts = { architecture: null, step: null, metrics: [], monitor: { kind: "none" } };

const ARCH_KEYS = ["arch", "architecture", "model_arch", "model_name"];
const STEP_KEYS = ["global_step", "step", "iteration", "iter"];
const OTHER_METRICS = new Set(["lr", "learning_rate", "best_metric", "best_score"]);
// Best-so-far values the loops keep beside the weights (`best_acc1`, `best_prec1`, `best_val_loss`).
const BEST_KEY = /^best_(?:val_|valid_)?(?:acc[15]?|prec[15]|top[15]|accuracy|loss|miou|map|f1)$/;

/**
 * Which key ranks a plain checkpoint, most telling first: a validation loss, a validation accuracy, the best
 * accuracy so far, the best loss so far, the training loss.
 */
const RANKING: readonly { readonly test: (key: string) => boolean; readonly higherIsBetter: boolean }[] = [
  { test: (key) => canonicalMetricName(key).canonical === "validation_loss", higherIsBetter: false },
  { test: (key) => canonicalMetricName(key).canonical === "accuracy", higherIsBetter: true },
  { test: (key) => /^best_(?:acc[1]?|prec1|top1|accuracy)$/.test(key), higherIsBetter: true },
  { test: (key) => /^best_(?:val_|valid_)?loss$/.test(key), higherIsBetter: false },
  { test: (key) => canonicalMetricName(key).canonical === "train_loss", higherIsBetter: false },
];

/** A Python number or a 0-d tensor (`{__tensor__, shape: [], value}`) as a number. */
function scalarOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (!isRecord(value) || !Array.isArray(value["shape"]) || value["shape"].length !== 0) return undefined;
  return typeof value["value"] === "number" ? value["value"] : undefined;
}

function isMetricKey(key: string): boolean {
  if (STEP_KEYS.includes(key) || key === "epoch") return false;
  return OTHER_METRICS.has(key) || BEST_KEY.test(key) || canonicalMetricName(key).canonical !== null;
}

function monitorOf(keys: readonly string[]): CheckpointMonitor {
  for (const rule of RANKING) {
    const key = keys.find(rule.test);
    if (key !== undefined) return { kind: "conventional", key, higherIsBetter: rule.higherIsBetter };
  }
  return { kind: "none" };
}

/** The conventional facts of a plain-torch dict checkpoint (its `other_values`); nothing for other frameworks. */
export function conventionalFacts(facts: ReportFacts): ConventionalFacts {
  const values = facts.other_values;
  if (facts.framework !== "plain-torch" || !values) return NONE;
  const archKey = ARCH_KEYS.find((key) => stringAt(values, key) !== undefined);
  const stepKey = STEP_KEYS.find((key) => Number.isInteger(scalarOf(values[key])));
  const metrics = Object.entries(values).flatMap(([key, raw]): [string, KeyedValue<number>][] => {
    const value = scalarOf(raw);
    return value !== undefined && isMetricKey(key) ? [[key, { value, source: `checkpoint:${key}` }]] : [];
  });
  return {
    architecture:
      archKey === undefined
        ? null
        : { value: stringAt(values, archKey) ?? "", source: `checkpoint:${archKey}` },
    step:
      stepKey === undefined
        ? null
        : { value: scalarOf(values[stepKey]) ?? 0, source: `checkpoint:${stepKey}` },
    metrics,
    monitor: monitorOf(metrics.filter(([, found]) => Number.isFinite(found.value)).map(([key]) => key)),
  };
}
