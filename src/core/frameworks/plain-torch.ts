import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import type { PlainJson } from "../formats/pickle/to-plain-json.ts";
import { asInt, type FrameworkFacts, type FrameworkInput, type Recognizer } from "./framework-input.ts";
import { isOptimizerState, summarizeOptimizer } from "./optimizer-summary.ts";
import { isModuleObject, isStateDict, summarizeModule, summarizeStateDict } from "./state-dict-summary.ts";
import { TensorTally } from "./tensor-tally.ts";

// Keys under which hand-written training loops keep the weights, most specific first.
const STATE_DICT_KEYS = ["state_dict", "model_state_dict", "model", "net", "network", "weights", "params"];

/**
 * Plain `torch.save`: a bare state_dict, a tutorial-style dict (`model_state_dict`, `optimizer_state_dict`,
 * `epoch`, `loss`), or a whole pickled `nn.Module`. The fallback when no framework claims the file.
 */
export const recognizePlainTorch: Recognizer = (input) => {
  const { root } = input;
  if (isModuleObject(root))
    return {
      framework: "plain-torch",
      confidence: 0.5,
      facts: { kind: "whole nn.Module pickle", state_dict: summarizeModule(root) },
    };
  if (!(root instanceof PyDict)) return undefined;
  if (root.has("param_groups") && root.has("state")) {
    const optimizer = summarizeOptimizer(input, root);
    const facts: FrameworkFacts = { kind: "optimizer state_dict", ...(optimizer ? { optimizer } : {}) };
    return { framework: "plain-torch", confidence: 0.4, facts };
  }
  const bare = summarizeStateDict(root);
  if (bare)
    return {
      framework: "plain-torch",
      confidence: 0.5,
      facts: { kind: "bare state_dict", state_dict: bare },
    };
  const key = STATE_DICT_KEYS.find((name) => isStateDict(root.get(name)));
  if (key === undefined) return undefined;
  return { framework: "plain-torch", confidence: 0.4, facts: dictFacts(input, root, key) };
};

function dictFacts(input: FrameworkInput, root: PyDict, key: string): FrameworkFacts {
  const facts: FrameworkFacts = {
    kind: `dict with '${key}'`,
    state_dict_key: key,
    state_dict: summarizeStateDict(root.get(key)) ?? new TensorTally().summary(),
  };
  const epoch = asInt(root.get("epoch"));
  if (epoch !== undefined) facts.epoch = epoch;
  const step = asInt(root.get("global_step"));
  if (step !== undefined) facts.global_step = step;
  const other: Record<string, PlainJson> = {};
  for (const [rawKey, value] of root.entries()) {
    const name = pyStr(rawKey);
    if (name === key) continue;
    if (isOptimizerState(value)) {
      facts.optimizer ??= summarizeOptimizer(input, value);
      continue;
    }
    other[name] = input.plain(value);
  }
  facts.other_values = other;
  return facts;
}
