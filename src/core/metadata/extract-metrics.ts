import { pickLoggedName } from "../metrics/metric-aliases.ts";
import type { CanonicalMetric } from "../metrics/metric-catalog.ts";
import { type CheckpointMonitor, choosePrimaryMetric } from "../metrics/primary-metric.ts";
import type { TaskType } from "../metrics/task-types.ts";
import type { FilenameFacts } from "../runs/filename-metrics.ts";
import { type MetricPoint, type MetricTarget, metricsAtStep } from "../runs/metric-series.ts";
import { answerMemo } from "./answer-memo.ts";
import { type AssemblyProblem, type Extracted, type FieldSources, warning } from "./assembly-notes.ts";
import { sharedTail } from "./extract-checkpointing.ts";
import type { MetricsInfo, PrimaryMetric } from "./metadata-schema.ts";
import type { ModelCheckpointState, ReportFacts } from "./report-facts.ts";
import type { MetricSeries, RunContext } from "./run-context-model.ts";

/** A logged value for this checkpoint and where it was read. */
export type SourcedValue = { readonly value: number; readonly source: string };
/** Logged name → value, first source wins (checkpoint, then run files in `METRIC_SERIES_SOURCES` order, then name). */
export type CollectedMetrics = Readonly<Record<string, SourcedValue>>;

export type CollectOptions = {
  readonly facts: ReportFacts;
  readonly run: RunContext;
  readonly target: MetricTarget;
  readonly state: ModelCheckpointState | null;
  readonly monitorName: string | null;
  readonly checkpointPath: string;
  readonly filename: FilenameFacts | null;
  readonly timmMetricName: string | null;
  /** Values the checkpoint states under their own keys (a plain dict's `best_acc1`, HF's `best_metric`). */
  readonly stated?: readonly (readonly [string, SourcedValue])[];
};

// Positions, not metrics; `hp_metric` is Lightning's TensorBoard placeholder (-1 unless the user sets it).
const NOT_METRICS = new Set(["epoch", "step", "global_step", "hp_metric"]);

/** The monitored value of this very checkpoint, from the ModelCheckpoint state: the best, or one of the top-k. */
function monitoredValue(state: ModelCheckpointState | null, checkpointPath: string): SourcedValue | null {
  if (!state) return null;
  const depth = Math.min(3, checkpointPath.split("/").length);
  const isThis = (path: string | null | undefined) => !!path && sharedTail(path, checkpointPath) >= depth;
  if (isThis(state.best_model_path) && typeof state.best_model_score === "number") {
    return { value: state.best_model_score, source: "checkpoint:best_model_score" };
  }
  const entry = Object.entries(state.best_k_models ?? {}).find(([path]) => isThis(path));
  return typeof entry?.[1] === "number" ? { value: entry[1], source: "checkpoint:best_k_models" } : null;
}

function embedded(options: CollectOptions): [string, SourcedValue][] {
  const { facts } = options;
  const found: [string, SourcedValue][] = [];
  for (const [name, value] of Object.entries(facts.cleval_metrics ?? {})) {
    found.push([`cleval/${name}`, { value, source: "checkpoint:cleval_metrics" }]);
  }
  const monitored = monitoredValue(options.state, options.checkpointPath);
  if (monitored && options.monitorName) found.push([options.monitorName, monitored]);
  for (const [name, value] of Object.entries(facts.train_metrics ?? {})) {
    found.push([name, { value, source: "checkpoint:train_metrics" }]);
  }
  if (typeof facts.metric === "number" && options.timmMetricName) {
    found.push([options.timmMetricName, { value: facts.metric, source: "checkpoint:metric" }]);
  }
  for (const [name, value] of options.stated ?? []) found.push([name, value]);
  return found;
}

function pointSource(series: MetricSeries, point: MetricPoint): string {
  if (point.step !== null) return `${series.source}@step=${point.step}`;
  return point.epoch === null ? series.source : `${series.source}@epoch=${point.epoch}`;
}

function fromSeries(run: RunContext, target: MetricTarget): [string, SourcedValue][] {
  if (target.step === null && target.epoch === null) return [];
  return run.series.flatMap((series) => {
    const values = series.valuesAt?.(target) ?? Object.values(metricsAtStep(series.points, target));
    return values.map((point): [string, SourcedValue] => [
      point.name,
      { value: point.value, source: pointSource(series, point) },
    ]);
  });
}

/**
 * Every metric value known for this checkpoint: checkpoint-embedded ones (`cleval_metrics` as `cleval/*`, the
 * monitored score when this file is the state's best or one of its top-k, Ultralytics `train_metrics`, timm
 * `metric`), then the run files at the checkpoint's step (or the nearest logged step at or before it, same epoch),
 * then values spelled in the file name. Non-finite values are dropped with a warning: the sidecar cannot hold them.
 */
export function collectMetrics(options: CollectOptions): Extracted<CollectedMetrics> {
  const filename = Object.entries(options.filename?.metrics ?? {}).map(
    ([name, value]): [string, SourcedValue] => [name, { value, source: "filename" }],
  );
  const collected: Record<string, SourcedValue> = {};
  const dropped: string[] = [];
  for (const [name, sourced] of [
    ...embedded(options),
    ...fromSeries(options.run, options.target),
    ...filename,
  ]) {
    if (NOT_METRICS.has(name) || Object.hasOwn(collected, name) || dropped.includes(name)) continue;
    if (Number.isFinite(sourced.value)) collected[name] = sourced;
    else dropped.push(name);
  }
  const problems: AssemblyProblem[] =
    dropped.length === 0
      ? []
      : [warning("non-finite-metric", `left out non-finite values (NaN/inf) of ${dropped.join(", ")}`)];
  return { value: collected, sources: {}, problems };
}

const SEED_FIELDS = [
  ["precision", "precision"],
  ["recall", "recall"],
  ["hmean", "hmean"],
  ["validation_loss", "validation_loss"],
] as const satisfies readonly (readonly [keyof MetricsInfo, CanonicalMetric])[];
const RATIOS = new Set(["precision", "recall", "hmean"]);

// The checkpoints of a run log the same metric names: which of them stands for each seed metric, and which is the
// primary metric, is decided once per set of names (matching every name against the alias table was 3 % of a cold
// scan, and choosing the primary metric did it again).
const pickedNames = answerMemo<string | null>();
const primaryChoices = answerMemo<ReturnType<typeof choosePrimaryMetric>>();

export type MetricsSection = { readonly metrics: MetricsInfo; readonly primary: PrimaryMetric };

/**
 * The `metrics:` section and the primary metric. precision / recall / hmean / validation_loss follow the seed's
 * patterns (`precision`, `val/precision`, `cleval/precision`; `hmean`, `f1`, `val/f1`; `val/loss`,
 * `validation_loss`, …) through the canonical aliases, `cleval/` first, then split-prefixed names, then bare ones.
 * `additional_metrics` keeps every value under its logged name, as the seed's callback did.
 */
export function buildMetricsSection(
  collected: CollectedMetrics,
  options: { readonly task: TaskType; readonly monitor: CheckpointMonitor },
): Extracted<MetricsSection> {
  const sources: FieldSources = {};
  const problems: AssemblyProblem[] = [];
  const names = Object.keys(collected);
  const namesKey = JSON.stringify(names);
  const metrics: MetricsInfo = { precision: null, recall: null, hmean: null, validation_loss: null };
  for (const [field, canonical] of SEED_FIELDS) {
    const name = pickedNames(`${canonical}:${namesKey}`, () => pickLoggedName(canonical, names));
    const found = name === null ? undefined : collected[name];
    if (!found) continue;
    if (RATIOS.has(field) && (found.value < 0 || found.value > 1)) {
      problems.push(
        warning(
          "metric-out-of-range",
          `${name} = ${found.value} is not a ratio in [0, 1]; ${field} left null`,
        ),
      );
      continue;
    }
    metrics[field] = found.value;
    sources[`metrics.${field}`] = `${found.source} (${name})`;
  }
  metrics.additional_metrics = Object.fromEntries(names.map((name) => [name, collected[name]?.value ?? 0]));
  for (const name of names) sources[`metrics.additional_metrics.${name}`] = collected[name]?.source ?? "";
  const chosen = primaryChoices(`${options.task}:${JSON.stringify(options.monitor)}:${namesKey}`, () =>
    choosePrimaryMetric({ task: options.task, monitor: options.monitor, available: names }),
  );
  const primarySource = collected[chosen.name];
  const primary: PrimaryMetric = {
    name: chosen.name,
    value: primarySource?.value ?? null,
    higher_is_better: chosen.higherIsBetter,
  };
  sources["ckpt.primary_metric"] = `${chosen.source}${primarySource ? `, ${primarySource.source}` : ""}`;
  return { value: { metrics, primary }, sources, problems };
}
