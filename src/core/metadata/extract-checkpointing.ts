import type { CheckpointMonitor } from "../metrics/primary-metric.ts";
import type { CheckpointNameTemplate } from "../runs/filename-metrics.ts";
import { DEFAULT_SOURCE, type Extracted, type FieldSources } from "./assembly-notes.ts";
import { hfBestRule } from "./extract-hf-best.ts";
import type { CheckpointingConfig } from "./metadata-schema.ts";
import { integerAt, isRecord, type PlainRecord, stringAt } from "./plain-values.ts";
import type { ModelCheckpointState, ReportFacts } from "./report-facts.ts";
import type { RunContext } from "./run-context-model.ts";

export type CheckpointingFacts = {
  readonly config: CheckpointingConfig;
  readonly monitor: CheckpointMonitor;
  /** The ModelCheckpoint state that wrote this checkpoint (Lightning), when one matches. */
  readonly state: ModelCheckpointState | null;
  /** The callback's `filename` template when its config names one (reads values back from file names). */
  readonly template: CheckpointNameTemplate | null;
  /** The monitored value the framework states for this very checkpoint (HF `best_metric` of the best one). */
  readonly statedValue?: { readonly value: number; readonly source: string } | null;
};

/** Written where Lightning's ModelCheckpoint had `monitor=None`: it is known that nothing was monitored. */
export const NO_MONITOR = "none";
const UNKNOWN = "unknown";

function segments(path: string): string[] {
  return path.split("/").filter((part) => part !== "");
}

/** How many trailing path segments two paths share: runs move between machines, their tails stay. */
export function sharedTail(left: string, right: string): number {
  const a = segments(left);
  const b = segments(right);
  let count = 0;
  while (count < a.length && count < b.length && a[a.length - 1 - count] === b[b.length - 1 - count]) count++;
  return count;
}

function stateScore(state: ModelCheckpointState, checkpointPath: string): number {
  const files = [
    state.best_model_path,
    state.last_model_path,
    state.kth_best_model_path,
    ...Object.keys(state.best_k_models ?? {}),
  ].filter((path): path is string => typeof path === "string" && path !== "");
  const fileScore = Math.max(0, ...files.map((path) => sharedTail(path, checkpointPath)));
  // A name with `/` (val/hmean) puts the file one directory below `dirpath`.
  const directories = [1, 2].map((up) => segments(checkpointPath).slice(0, -up).join("/"));
  const dirScore = state.dirpath
    ? Math.max(...directories.map((dir) => sharedTail(state.dirpath ?? "", dir)))
    : 0;
  return fileScore * 2 + dirScore;
}

/** The ModelCheckpoint state whose paths name this checkpoint best; the first state on a tie. */
export function matchingState(
  states: readonly ModelCheckpointState[],
  checkpointPath: string,
): ModelCheckpointState | null {
  let best: { state: ModelCheckpointState; score: number } | null = null;
  for (const state of states) {
    const score = stateScore(state, checkpointPath);
    if (best === null || score > best.score) best = { state, score };
  }
  return best?.state ?? null;
}

/** `ModelCheckpoint{'monitor': 'val/hmean', 'mode': 'max', …}` → monitor and mode (Lightning ≥ 1.5 state keys). */
export function parseStateKey(key: string): { monitor: string | null; mode: "min" | "max" | null } | null {
  if (!/^\w*Checkpoint\{/.test(key)) return null;
  const monitor = /'monitor': (?:'([^']*)'|"([^"]*)"|None)/.exec(key);
  const mode = /'mode': '(min|max)'/.exec(key);
  return {
    monitor: monitor?.[1] ?? monitor?.[2] ?? null,
    mode: (mode?.[1] as "min" | "max" | undefined) ?? null,
  };
}

/** Every mapping (depth ≤ 4) that configures a ModelCheckpoint: it has `save_top_k` or `save_last`. */
function checkpointConfigs(value: unknown, depth = 0): PlainRecord[] {
  if (depth > 4) return [];
  if (Array.isArray(value)) return value.flatMap((item) => checkpointConfigs(item, depth + 1));
  if (!isRecord(value)) return [];
  const own = "save_top_k" in value || "save_last" in value ? [value] : [];
  return [...own, ...Object.values(value).flatMap((item) => checkpointConfigs(item, depth + 1))];
}

function configFor(facts: ReportFacts, run: RunContext, monitor: string | null) {
  const roots = [
    { label: "checkpoint", root: facts.hyper_parameters },
    { label: "hparams.yaml", root: run.hparams?.values },
    { label: "hydra", root: run.hydra?.config },
  ];
  for (const { label, root } of roots) {
    const found = checkpointConfigs(root).find((config) => (config["monitor"] ?? null) === monitor);
    if (found) return { label, config: found };
  }
  return null;
}

/** The callback's `filename` template and `auto_insert_metric_name`, when its config names one. */
function templateOf(config: PlainRecord | undefined): CheckpointNameTemplate | null {
  const filename = stringAt(config, "filename");
  const autoInsert = config?.["auto_insert_metric_name"];
  if (!filename) return null;
  return { filename, ...(typeof autoInsert === "boolean" ? { autoInsertMetricName: autoInsert } : {}) };
}

function lightningCheckpointing(
  facts: ReportFacts,
  run: RunContext,
  checkpointPath: string,
): Extracted<CheckpointingFacts> | null {
  const state = matchingState(facts.model_checkpoint_states ?? [], checkpointPath);
  const key = state?.key ?? facts.callbacks_keys?.find((candidate) => parseStateKey(candidate) !== null);
  const parsed = key === undefined ? null : parseStateKey(key);
  if (!state && !parsed) return null;
  const monitor = state?.monitor ?? parsed?.monitor ?? null;
  const mode = parsed?.mode ?? null;
  const sources: FieldSources = { "checkpointing.monitor": "checkpoint" };
  const found = configFor(facts, run, monitor);
  const configTopK = integerAt(found?.config, "save_top_k");
  const keptCount = Object.keys(state?.best_k_models ?? {}).length;
  const saveLastValue = found?.config["save_last"];
  const configSaveLast =
    saveLastValue === "link" ? true : typeof saveLastValue === "boolean" ? saveLastValue : null;
  sources["checkpointing.mode"] = mode !== null ? "checkpoint" : found ? found.label : DEFAULT_SOURCE;
  sources["checkpointing.save_top_k"] =
    configTopK !== undefined && found
      ? found.label
      : keptCount > 0
        ? "checkpoint:best_k_models"
        : DEFAULT_SOURCE;
  sources["checkpointing.save_last"] =
    configSaveLast !== null && found ? found.label : state ? "checkpoint:last_model_path" : DEFAULT_SOURCE;
  const configMode = stringAt(found?.config, "mode");
  const knownMode = mode ?? (configMode === "max" || configMode === "min" ? configMode : null);
  const config: CheckpointingConfig = {
    monitor: monitor ?? NO_MONITOR,
    mode: knownMode ?? "min",
    // Lightning's defaults when nothing says otherwise: top-1, no last.ckpt.
    save_top_k: configTopK ?? (keptCount > 0 ? keptCount : 1),
    save_last: configSaveLast ?? !!state?.last_model_path,
  };
  const lightningMonitor: CheckpointMonitor = { kind: "lightning", monitor, mode: knownMode };
  const template = templateOf(found?.config);
  return { value: { config, monitor: lightningMonitor, state, template }, sources, problems: [] };
}

/** timm ranks by the training loss when the run has no eval set: its summary.csv has no `eval_` column. */
function timmEvaluates(run: RunContext): boolean {
  const summary = run.series.filter((series) => series.source === "summary.csv");
  return (
    summary.length === 0 || summary.some((series) => series.points.some((p) => p.name.startsWith("eval_")))
  );
}

/**
 * timm train.py: `eval_metric = args.eval_metric if loader_eval else 'loss'`, `decreasing = eval_metric == 'loss'`;
 * CheckpointSaver keeps `--checkpoint-hist` (default 10) best files and always writes last.pth.tar.
 */
function timmCheckpointing(facts: ReportFacts, run: RunContext): Extracted<CheckpointingFacts> | null {
  const args = facts.args ?? run.timmArgs;
  if (facts.framework !== "timm" && !facts.arch) return null;
  const label = facts.args ? "checkpoint:args" : "args.yaml";
  const configured = stringAt(args, "eval_metric");
  const evaluates = timmEvaluates(run);
  const evalMetric = evaluates ? (configured ?? "top1") : "loss";
  const decreasing = evalMetric === "loss";
  const history = integerAt(args, "checkpoint_hist");
  const config: CheckpointingConfig = {
    monitor: evaluates ? `eval_${evalMetric}` : "train_loss",
    mode: decreasing ? "min" : "max",
    save_top_k: history ?? 10,
    save_last: true,
  };
  const metricSource = !evaluates ? "summary.csv (no eval set)" : configured ? label : "timm default";
  const sources: FieldSources = {
    "checkpointing.monitor": metricSource,
    "checkpointing.mode": metricSource,
    "checkpointing.save_top_k": history === undefined ? "timm default" : label,
    "checkpointing.save_last": "timm",
  };
  const monitor: CheckpointMonitor = {
    kind: "timm",
    evalMetric,
    decreasing,
    split: evaluates ? "eval" : "train",
  };
  return { value: { config, monitor, state: null, template: null }, sources, problems: [] };
}

/** Ultralytics keeps `best.pt` by fitness (max) and always writes `last.pt`. */
function ultralyticsCheckpointing(facts: ReportFacts): Extracted<CheckpointingFacts> | null {
  if (facts.framework !== "ultralytics") return null;
  const config: CheckpointingConfig = { monitor: "fitness", mode: "max", save_top_k: 1, save_last: true };
  const sources = Object.fromEntries(
    Object.keys(config).map((field) => [`checkpointing.${field}`, "ultralytics"]),
  );
  const monitor: CheckpointMonitor = { kind: "ultralytics" };
  return { value: { config, monitor, state: null, template: null }, sources, problems: [] };
}

/**
 * HF Trainer: `metric_for_best_model` and `greater_is_better` (see `hfBestRule`); rotation keeps the newest
 * checkpoint (save_last), `save_total_limit` counts checkpoints by age, not by metric (save_top_k is the default).
 */
function hfCheckpointing(
  facts: ReportFacts,
  run: RunContext,
  checkpointPath: string,
): Extracted<CheckpointingFacts> | null {
  const rule = hfBestRule(facts, run, checkpointPath);
  if (rule === null) return null;
  const config: CheckpointingConfig = {
    monitor: rule.metric,
    mode: rule.greaterIsBetter ? "max" : "min",
    save_top_k: 1,
    save_last: true,
  };
  const sources: FieldSources = {
    "checkpointing.monitor": rule.metricSource,
    "checkpointing.mode": rule.directionSource,
    "checkpointing.save_top_k": DEFAULT_SOURCE,
    "checkpointing.save_last": "hf-trainer",
  };
  const monitor: CheckpointMonitor = {
    kind: "hf-trainer",
    metricForBestModel: rule.metric,
    greaterIsBetter: rule.greaterIsBetter,
  };
  const value: CheckpointingFacts = {
    config,
    monitor,
    state: null,
    template: null,
    statedValue: rule.bestValue,
  };
  return { value, sources, problems: [] };
}

/** No checkpoint callback is known: the V1 schema still needs the four values (see the README's sidecar section). */
function unknownCheckpointing(): Extracted<CheckpointingFacts> {
  const config: CheckpointingConfig = { monitor: UNKNOWN, mode: "min", save_top_k: 1, save_last: false };
  const sources = Object.fromEntries(
    Object.keys(config).map((field) => [`checkpointing.${field}`, DEFAULT_SOURCE]),
  );
  return { value: { config, monitor: { kind: "none" }, state: null, template: null }, sources, problems: [] };
}

/**
 * The `checkpointing:` section and the monitor that picks the primary metric. Lightning: monitor and mode from the
 * ModelCheckpoint state key and state that wrote this file; save_top_k / save_last from the callback's config
 * (checkpoint hparams, hparams.yaml, Hydra; `save_last: "link"` → true), else from the state. timm, Ultralytics and
 * HF Trainer: their own rule and savers' behaviour. Anything else: `monitor: "unknown"` and the schema's defaults,
 * each marked `default` in the sources.
 */
export function extractCheckpointing(
  facts: ReportFacts,
  run: RunContext,
  checkpointPath: string,
): Extracted<CheckpointingFacts> {
  return (
    lightningCheckpointing(facts, run, checkpointPath) ??
    timmCheckpointing(facts, run) ??
    ultralyticsCheckpointing(facts) ??
    hfCheckpointing(facts, run, checkpointPath) ??
    unknownCheckpointing()
  );
}
