import type { OptimizerSummary } from "../checkpoint/checkpoint-report-parts.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import { type PyValue, sequenceItems } from "../formats/pickle/py-value.ts";
import type { FrameworkInput } from "./framework-input.ts";

/** An `optimizer.state_dict()`: a dict with `state` and a `param_groups` list. */
export function isOptimizerState(value: PyValue | undefined): value is PyDict {
  return value instanceof PyDict && value.has("param_groups") && value.has("state");
}

/** Param groups without `params` (counted as `num_params`), the number of per-parameter states and their keys. */
export function summarizeOptimizer(
  input: FrameworkInput,
  value: PyValue | undefined,
): OptimizerSummary | undefined {
  if (!isOptimizerState(value)) return undefined;
  const groups = (sequenceItems(value.get("param_groups")) ?? []).flatMap((group) => {
    if (!(group instanceof PyDict)) return [];
    const rest = new PyDict();
    for (const [key, item] of group.entries()) if (key !== "params") rest.set(key, item);
    const plain = input.plain(rest);
    if (typeof plain !== "object" || plain === null || Array.isArray(plain)) return [];
    const params = sequenceItems(group.get("params"));
    return [{ ...plain, ...(params ? { num_params: params.length } : {}) }];
  });
  const state = value.get("state");
  const keys = new Set<string>();
  for (const [, entry] of state instanceof PyDict ? state.entries() : [])
    if (entry instanceof PyDict) for (const key of entry.keys()) keys.add(pyStr(key));
  return {
    param_groups: groups,
    state_entries: state instanceof PyDict ? state.size : 0,
    state_keys: [...keys].sort(),
  };
}
