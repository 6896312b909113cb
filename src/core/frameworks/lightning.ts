import type {
  CallbackKeyConfig,
  EarlyStoppingState,
  ModelCheckpointState,
  OptimizerSummary,
} from "../checkpoint/checkpoint-report-parts.ts";
import { isOmegaConfObject } from "../formats/pickle/omegaconf-unwrap.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import { sequenceItems } from "../formats/pickle/py-value.ts";
import { parseCallbackKey } from "./callback-key.ts";
import {
  asInt,
  asString,
  type FrameworkFacts,
  type FrameworkInput,
  field,
  plainRecord,
  type Recognizer,
  stringKeys,
} from "./framework-input.ts";
import { resolveInterpolations } from "./omegaconf-resolve.ts";
import { summarizeOptimizer } from "./optimizer-summary.ts";
import { summarizeStateDict } from "./state-dict-summary.ts";

const VERSION_KEY = "pytorch-lightning_version";
const LIGHTNING_KEYS = ["loops", "callbacks", "optimizer_states", "lr_schedulers", "hparams_name"];

/** Lightning ≤ 1.5 stored epoch and global_step as "next to run" (formats.md §4.6). */
function storesNextStep(version: string | undefined): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version ?? "");
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < 1 || (major === 1 && minor <= 5);
}

/**
 * Lightning 1.x/2.x (`lightning.pytorch` or `pytorch_lightning`) checkpoints. The facts are written into one
 * object in their report order (position, version, hyper-parameters, callbacks, training state): no per-part
 * objects merged by spreads.
 */
export const recognizeLightning: Recognizer = (input) => {
  const { root } = input;
  if (!(root instanceof PyDict)) return undefined;
  const version = asString(field(root, VERSION_KEY));
  const lightningish =
    root.has("epoch") && root.has("global_step") && LIGHTNING_KEYS.some((key) => root.has(key));
  if (version === undefined && !lightningish) return undefined;
  const facts: FrameworkFacts = {};
  writePosition(facts, root, version);
  if (version !== undefined) facts[VERSION_KEY] = version;
  writeHyperParameters(facts, input);
  writeCallbacks(facts, input);
  writeTrainingState(facts, input);
  return { framework: "lightning", confidence: version === undefined ? 0.7 : 1, facts };
};

function writePosition(facts: FrameworkFacts, root: PyDict, version: string | undefined): void {
  const epoch = asInt(root.get("epoch"));
  const step = asInt(root.get("global_step"));
  if (!storesNextStep(version)) {
    facts.epoch = epoch ?? null;
    facts.global_step = step ?? null;
    return;
  }
  facts.epoch = epoch === undefined ? null : Math.max(0, epoch - 1);
  facts.global_step = step === undefined ? null : Math.max(0, step - 1);
  facts.epoch_step_normalized = true;
}

function writeHyperParameters(facts: FrameworkFacts, input: FrameworkInput): void {
  const { root } = input;
  const raw = field(root, "hyper_parameters");
  facts.has_hyper_parameters = raw !== undefined;
  for (const prefix of ["", "datamodule_"] as const) {
    const name = field(root, `${prefix}hparams_name`);
    const value = field(root, `${prefix}hyper_parameters`);
    if (name !== undefined) facts[`${prefix}hparams_name`] = asString(name) ?? null;
    if (value !== undefined) facts[`${prefix}hyper_parameters`] = input.plain(value);
  }
  const type = field(root, "hparams_type");
  if (type !== undefined) facts.hparams_type = pyStr(type);
  if (raw !== undefined && isOmegaConfObject(raw) && facts.hyper_parameters !== undefined)
    facts.hyper_parameters_resolved = resolveInterpolations(facts.hyper_parameters);
  const cleval = field(root, "cleval_metrics");
  if (cleval !== undefined) facts.cleval_metrics = input.plain(cleval);
}

function writeTrainingState(facts: FrameworkFacts, input: FrameworkInput): void {
  const { root } = input;
  const optimizers = sequenceItems(field(root, "optimizer_states"));
  if (optimizers) {
    const summaries: OptimizerSummary[] = [];
    for (const optimizer of optimizers) {
      const summary = summarizeOptimizer(input, optimizer);
      if (summary) summaries.push(summary);
    }
    facts.optimizer_states = summaries;
  }
  const schedulers = sequenceItems(field(root, "lr_schedulers"));
  if (schedulers) facts.lr_schedulers = schedulers.map((s) => input.plain(s));
  const loops = field(root, "loops");
  if (loops instanceof PyDict) facts.loops_keys = stringKeys(loops);
  const stateDict = summarizeStateDict(field(root, "state_dict"));
  if (stateDict) facts.state_dict = stateDict;
}

/** One pass over `callbacks`: each key decoded and its repr parsed once, for the states and the configs alike. */
function writeCallbacks(facts: FrameworkFacts, input: FrameworkInput): void {
  const callbacks = field(input.root, "callbacks");
  if (!(callbacks instanceof PyDict)) return;
  const keys: string[] = [];
  const configs: CallbackKeyConfig[] = [];
  const checkpoints: ModelCheckpointState[] = [];
  const stoppers: EarlyStoppingState[] = [];
  for (const [rawKey, state] of callbacks.entries()) {
    const key = pyStr(rawKey);
    keys.push(key);
    const config = parseCallbackKey(key);
    if (config !== undefined) configs.push(config);
    if (!(state instanceof PyDict)) continue;
    if (key.includes("ModelCheckpoint") || state.has("best_model_path"))
      checkpoints.push(modelCheckpointState(input, key, state));
    else if (key.includes("EarlyStopping") || (state.has("wait_count") && state.has("patience")))
      stoppers.push(earlyStoppingState(input, { key, config }, state));
  }
  facts.callbacks_keys = keys;
  facts.callbacks = plainRecord(input, callbacks) ?? {};
  facts.model_checkpoint_states = checkpoints;
  facts.callback_configs = configs;
  if (stoppers.length > 0) facts.early_stopping_states = stoppers;
}

const CHECKPOINT_PATHS = ["best_model_path", "kth_best_model_path", "last_model_path", "dirpath"] as const;
const CHECKPOINT_SCORES = ["best_model_score", "current_score", "kth_value"] as const;

function modelCheckpointState(input: FrameworkInput, key: string, state: PyDict): ModelCheckpointState {
  const out: ModelCheckpointState = { key };
  if (state.has("monitor")) out.monitor = asString(state.get("monitor")) ?? null;
  for (const name of CHECKPOINT_SCORES)
    if (state.has(name)) out[name] = input.scalar(state.get(name)) ?? null;
  for (const name of CHECKPOINT_PATHS) if (state.has(name)) out[name] = asString(state.get(name)) ?? null;
  const bestK = state.get("best_k_models");
  if (bestK instanceof PyDict) {
    const scores: Record<string, number | null> = {};
    for (const [path, score] of bestK.entries()) scores[pyStr(path)] = input.scalar(score) ?? null;
    out.best_k_models = scores;
  }
  return out;
}

function earlyStoppingState(
  input: FrameworkInput,
  named: { key: string; config: CallbackKeyConfig | undefined },
  state: PyDict,
): EarlyStoppingState {
  const { key, config } = named;
  const out: EarlyStoppingState = { key };
  if (config?.monitor !== undefined) out.monitor = config.monitor;
  if (config?.mode !== undefined) out.mode = config.mode;
  for (const name of ["wait_count", "stopped_epoch", "patience"] as const)
    if (state.has(name)) out[name] = asInt(state.get(name)) ?? null;
  if (state.has("best_score")) out.best_score = input.scalar(state.get("best_score")) ?? null;
  return out;
}
