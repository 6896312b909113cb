import type { ReportFacts } from "./report-facts.ts";
import type { RunContext } from "./run-context-model.ts";

/**
 * HF Trainer's own "best" (`Trainer._determine_best_metric`): `metric_for_best_model` (from `training_args.bin`,
 * the `eval_` prefix added as Trainer does) compared with `greater_is_better`; the winner is
 * `trainer_state.json`'s `best_model_checkpoint`, its value `best_metric`.
 */
export type HfBestRule = {
  /** The logged name (`eval_loss`, `eval_accuracy`). */
  readonly metric: string;
  readonly metricSource: string;
  readonly greaterIsBetter: boolean;
  readonly directionSource: string;
  /** `best_metric` when `best_model_checkpoint` names this very checkpoint, else null. */
  readonly bestValue: { readonly value: number; readonly source: string } | null;
};

const HF_DEFAULT = "hf-trainer default";

function withPrefix(metric: string): string {
  return metric.startsWith("eval_") ? metric : `eval_${metric}`;
}

/** The last segment of a path as a trainer wrote it (`out/checkpoint-500/` → `checkpoint-500`). */
export function lastSegment(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

type BestState = { metric: number | null; checkpoint: string | null; step: number | null };

function bestStateOf(facts: ReportFacts, run: RunContext): BestState {
  const state = run.hfTrainerState;
  return {
    metric: state?.bestMetric ?? facts.hf?.best_metric ?? null,
    checkpoint: state?.bestModelCheckpoint ?? facts.hf?.best_model_checkpoint ?? null,
    step: state?.bestGlobalStep ?? facts.hf?.best_global_step ?? null,
  };
}

function stepOfCheckpoint(path: string | null): number | null {
  const match = /^checkpoint-(\d+)$/.exec(lastSegment(path ?? ""));
  return match ? Number(match[1]) : null;
}

/**
 * Without `training_args.bin`: the eval metric whose value at the best checkpoint's step is `best_metric`, when
 * exactly one is.
 */
function deducedMetric(run: RunContext, best: BestState): string | null {
  const step = best.step ?? stepOfCheckpoint(best.checkpoint);
  if (step === null || best.metric === null) return null;
  const names = new Set(
    (run.hfTrainerState?.points ?? [])
      .filter((point) => point.step === step && point.name.startsWith("eval_") && point.value === best.metric)
      .map((point) => point.name),
  );
  return names.size === 1 ? ([...names][0] ?? null) : null;
}

function metricOf(facts: ReportFacts, run: RunContext, best: BestState) {
  const configured = facts.hf?.metric_for_best_model;
  if (configured) return { metric: withPrefix(configured), source: "training_args.bin" };
  const deduced = deducedMetric(run, best);
  if (deduced !== null) return { metric: deduced, source: "trainer_state.json (best_metric at its step)" };
  // A best checkpoint is only tracked with a metric; unset, `load_best_model_at_end` makes it "loss".
  return best.checkpoint === null ? null : { metric: "eval_loss", source: HF_DEFAULT };
}

/** The HF Trainer rule of a `checkpoint-N/` directory, or null when its run tracks no best checkpoint. */
export function hfBestRule(facts: ReportFacts, run: RunContext, checkpointPath: string): HfBestRule | null {
  if (facts.framework !== "hf-trainer" && run.hfTrainerState === null) return null;
  const best = bestStateOf(facts, run);
  const found = metricOf(facts, run, best);
  if (found === null) return null;
  const stated = facts.hf?.greater_is_better;
  const isThis = best.checkpoint !== null && lastSegment(best.checkpoint) === lastSegment(checkpointPath);
  return {
    metric: found.metric,
    metricSource: found.source,
    // TrainingArguments: greater_is_better defaults to not metric_for_best_model.endswith("loss").
    greaterIsBetter: stated ?? !found.metric.endsWith("loss"),
    directionSource: typeof stated === "boolean" ? "training_args.bin" : HF_DEFAULT,
    bestValue:
      isThis && best.metric !== null
        ? { value: best.metric, source: "trainer_state.json:best_metric (best_model_checkpoint)" }
        : null,
  };
}
