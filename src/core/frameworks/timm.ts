import { PyDict } from "../formats/pickle/py-dict.ts";
import {
  asInt,
  asString,
  classString,
  type FrameworkFacts,
  field,
  type Recognizer,
} from "./framework-input.ts";
import { summarizeOptimizer } from "./optimizer-summary.ts";
import { summarizeStateDict } from "./state-dict-summary.ts";

/** timm `CheckpointSaver._save`: `epoch, arch, state_dict, optimizer, version, args, metric` (+ `state_dict_ema`). */
export const recognizeTimm: Recognizer = (input) => {
  const { root } = input;
  if (!(root instanceof PyDict)) return undefined;
  const arch = asString(root.get("arch"));
  const stateDict = summarizeStateDict(root.get("state_dict"));
  const hasArgs = root.has("args");
  // `arch` + a state dict alone is the PyTorch ImageNet example's shape; timm adds `args` and `version`.
  if (arch === undefined || stateDict === undefined || !(hasArgs || root.has("version"))) return undefined;
  const facts: FrameworkFacts = { arch, state_dict: stateDict };
  if (root.has("epoch")) facts.epoch = asInt(root.get("epoch")) ?? null;
  if (root.has("metric")) facts.metric = input.scalar(root.get("metric")) ?? null;
  const version = asInt(root.get("version"));
  if (version !== undefined) facts.version = version;
  const args = field(root, "args");
  if (args !== undefined) {
    facts.args = input.plain(args);
    const type = classString(input, args);
    if (type !== undefined) facts.args_type = type;
  }
  const ema = summarizeStateDict(root.get("state_dict_ema"));
  facts.has_state_dict_ema = ema !== undefined;
  if (ema) facts.state_dict_ema = ema;
  const optimizer = summarizeOptimizer(input, root.get("optimizer"));
  if (optimizer) facts.optimizer = optimizer;
  const confidence = hasArgs && version !== undefined ? 0.95 : 0.6;
  return { framework: "timm", confidence, facts };
};
