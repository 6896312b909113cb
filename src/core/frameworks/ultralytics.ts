import type { ModelInfo } from "../checkpoint/checkpoint-report-parts.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { globalName, type PyObject, type PyValue } from "../formats/pickle/py-value.ts";
import {
  asInt,
  asString,
  type FrameworkFacts,
  type FrameworkInput,
  plainRecord,
  type Recognizer,
  stringKeys,
} from "./framework-input.ts";
import { summarizeOptimizer } from "./optimizer-summary.ts";
import { firstParameterDtype, isModuleObject, summarizeModule } from "./state-dict-summary.ts";

const MARKERS = ["train_args", "best_fitness", "ema", "updates", "train_metrics"];
const TEXT_FIELDS = ["date", "license", "docs"] as const;

/** Ultralytics YOLO (`BaseTrainer.save_model`, `strip_optimizer`): whole pickled models plus training state. */
export const recognizeUltralytics: Recognizer = (input) => {
  const { root } = input;
  if (!(root instanceof PyDict)) return undefined;
  const markers = MARKERS.filter((key) => root.has(key)).length;
  const license = asString(root.get("license")) ?? "";
  if (markers < 2 && !license.includes("ultralytics")) return undefined;
  const facts: FrameworkFacts = {};
  if (root.has("epoch")) facts.epoch = asInt(root.get("epoch")) ?? null;
  if (root.has("best_fitness")) facts.best_fitness = input.scalar(root.get("best_fitness")) ?? null;
  for (const name of TEXT_FIELDS) if (root.has(name)) facts[name] = asString(root.get(name)) ?? null;
  const version = asString(root.get("version"));
  if (version !== undefined) facts.version = version;
  if (root.has("updates")) facts.updates = asInt(root.get("updates")) ?? null;
  for (const name of ["train_args", "train_metrics"] as const) {
    const value = root.get(name);
    if (value !== undefined) facts[name] = input.plain(value);
  }
  Object.assign(facts, modelFacts(input, root));
  const results = root.get("train_results");
  if (results instanceof PyDict) facts.train_results_keys = stringKeys(results);
  return { framework: "ultralytics", confidence: markers >= 3 ? 0.95 : 0.8, facts };
};

function modelFacts(input: FrameworkInput, root: PyDict): FrameworkFacts {
  const facts: FrameworkFacts = {};
  const [model, ema, optimizer] = [root.get("model"), root.get("ema"), root.get("optimizer")];
  if (root.has("model")) facts.model_is_none = model === null;
  if (root.has("ema")) facts.ema_is_none = ema === null;
  if (root.has("optimizer")) facts.optimizer_is_none = optimizer === null;
  const summary = summarizeOptimizer(input, optimizer);
  if (summary) facts.optimizer = summary;
  if (isModuleObject(model)) {
    facts.model_info = modelInfo(input, model);
    facts.model_state_dict = summarizeModule(model);
  }
  if (isModuleObject(ema)) {
    facts.ema_info = modelInfo(input, ema);
    facts.ema_state_dict = summarizeModule(ema);
  }
  const main = isModuleObject(ema) ? ema : isModuleObject(model) ? model : undefined;
  const yaml = main?.attributes?.get("yaml");
  if (yaml !== undefined) facts.model_yaml = input.plain(yaml);
  return facts;
}

function attribute(model: PyObject, name: string): PyValue | undefined {
  return model.attributes?.get(name);
}

function modelInfo(input: FrameworkInput, model: PyObject): ModelInfo {
  const yaml = attribute(model, "yaml");
  const yamlField = (name: string) => (yaml instanceof PyDict ? yaml.get(name) : undefined);
  const names = plainRecord(input, attribute(model, "names"));
  const info: ModelInfo = { class: globalName(model.class) ?? "unknown" };
  info.yaml_file = asString(yamlField("yaml_file")) ?? null;
  info.nc = asInt(attribute(model, "nc") ?? yamlField("nc")) ?? null;
  info.scale = asString(yamlField("scale")) ?? null;
  info.names = names
    ? Object.fromEntries(Object.entries(names).map(([key, value]) => [key, String(value)]))
    : null;
  info.first_param_dtype = firstParameterDtype(model) ?? null;
  return info;
}
