import type { StateDictSummary } from "../checkpoint/checkpoint-report-parts.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import { isTagged, type PyObject, type PyValue, type TensorRef } from "../formats/pickle/py-value.ts";
import { TensorTally } from "./tensor-tally.ts";

// Deeper than any real module tree; guards the walk against crafted cycles.
const MAX_MODULE_DEPTH = 200;
// Shared submodules repeat under every parent (as in torch), so a crafted graph of a few KB could mean 2^40 visits.
export const MAX_MODULE_VISITS = 100_000;

export function isTensor(value: PyValue | undefined): value is TensorRef {
  return isTagged(value) && value.kind === "tensor";
}

/** True when `value` is a state dict: a dict whose every value is a tensor (at least one). */
export function isStateDict(value: PyValue | undefined): value is PyDict {
  if (!(value instanceof PyDict) || value.size === 0) return false;
  const values = value.values();
  for (let i = 0; i < values.length; i++) if (!isTensor(values[i])) return false;
  return true;
}

/** A state dict's tensor counts, numel, bytes, dtypes and storages (as the truth files have them), else undefined. */
export function summarizeStateDict(value: PyValue | undefined): StateDictSummary | undefined {
  if (!isStateDict(value)) return undefined;
  // Counted straight off the dict: no `name → tensor` list is built for a summary.
  const tally = new TensorTally();
  const keys = value.keys();
  const values = value.values();
  for (let i = 0; i < keys.length; i++) tally.add("", pyStr(keys[i] as PyValue), values[i] as TensorRef);
  return tally.summary();
}

/** A pickled `nn.Module` (NEWOBJ + BUILD of its `__dict__`): it has `_modules` or `_parameters`. */
export function isModuleObject(value: PyValue | undefined): value is PyObject {
  if (!isTagged(value) || value.kind !== "object") return false;
  const attributes = value.attributes;
  return attributes !== undefined && (attributes.has("_modules") || attributes.has("_parameters"));
}

type ModuleWalk = {
  stateDict: TensorTally;
  parameters: Set<TensorRef>;
  buffers: Set<TensorRef>;
  visits: number;
};

function newWalk(): ModuleWalk {
  return { stateDict: new TensorTally(), parameters: new Set(), buffers: new Set(), visits: 0 };
}

// summarizeModule and firstParameterDtype ask about the same module: it is walked once.
const walked = new WeakMap<PyObject, ModuleWalk>();

function walkOnce(module: PyObject): ModuleWalk {
  let walk = walked.get(module);
  if (walk === undefined) {
    walk = newWalk();
    walkModule(module, "", 0, { walk, ancestors: [] });
    walked.set(module, walk);
  }
  return walk;
}

/** What `module.state_dict()` would hold (parameters, then persistent buffers, then children), plus the counts. */
export function summarizeModule(module: PyObject): StateDictSummary {
  const walk = walkOnce(module);
  const sum = (tensors: Set<TensorRef>) => [...tensors].reduce((total, t) => total + t.numel, 0);
  return {
    ...walk.stateDict.summary(),
    module_parameter_count: sum(walk.parameters),
    module_buffer_count: sum(walk.buffers),
    ...(walk.visits > MAX_MODULE_VISITS ? { module_walk_cut_at: MAX_MODULE_VISITS } : {}),
  };
}

/** The first parameter's dtype in state-dict order (Ultralytics `model_info.first_param_dtype`). */
export function firstParameterDtype(module: PyObject): string | undefined {
  for (const parameter of walkOnce(module).parameters) return parameter.dtype;
  return undefined;
}

// The modules from the root down to the one being walked: a real tree is a few deep (the depth cap bounds a
// crafted one), so a scan of it is cheaper than a Set's add, look-up and delete per module.
type WalkState = { walk: ModuleWalk; ancestors: PyObject[] };

/** The four `__dict__` entries the walk reads, found in one pass over its keys (not four look-ups each). */
type ModuleParts = {
  parameters: PyValue | undefined;
  buffers: PyValue | undefined;
  nonPersistent: PyValue | undefined;
  modules: PyValue | undefined;
  /** It has `_modules` or `_parameters`: what `isModuleObject` asks. */
  isModule: boolean;
};

function moduleParts(attributes: PyDict): ModuleParts {
  const parts: ModuleParts = {
    parameters: undefined,
    buffers: undefined,
    nonPersistent: undefined,
    modules: undefined,
    isModule: false,
  };
  const keys = attributes.keys();
  const values = attributes.values();
  // The four are the first of torch's `__dict__` keys but a module's own (`in_channels`, …) come after: stop there.
  let found = 0;
  for (let i = 0; i < keys.length && found < 4; i++) {
    const key = keys[i];
    if (key === "_parameters") {
      parts.parameters = values[i];
      parts.isModule = true;
    } else if (key === "_buffers") parts.buffers = values[i];
    else if (key === "_non_persistent_buffers_set") parts.nonPersistent = values[i];
    else if (key === "_modules") {
      parts.modules = values[i];
      parts.isModule = true;
    } else continue;
    found += 1;
  }
  return parts;
}

// No try/finally around a module: nothing in the walk throws, and a walk that did would be dropped whole.
function walkModule(module: PyObject, prefix: string, depth: number, state: WalkState): void {
  // Only ancestors are skipped: like torch, a submodule shared by two parents appears under both names.
  if (depth > MAX_MODULE_DEPTH || state.ancestors.includes(module) || module.attributes === undefined) return;
  const parts = moduleParts(module.attributes);
  if (!parts.isModule) return;
  state.walk.visits += 1;
  if (state.walk.visits > MAX_MODULE_VISITS) return;
  state.ancestors.push(module);
  walkModuleBody(parts, prefix, depth, state);
  state.ancestors.pop();
}

function walkModuleBody(parts: ModuleParts, prefix: string, depth: number, state: WalkState): void {
  const { nonPersistent } = parts;
  const skip =
    isTagged(nonPersistent) && nonPersistent.kind === "set" && nonPersistent.items.length > 0
      ? new Set(nonPersistent.items.map((item) => pyStr(item)))
      : undefined;
  const { stateDict, parameters, buffers } = state.walk;
  if (parts.parameters instanceof PyDict) {
    const [keys, values] = [parts.parameters.keys(), parts.parameters.values()];
    for (let i = 0; i < keys.length; i++) {
      const tensor = values[i];
      if (!isTensor(tensor)) continue;
      stateDict.add(prefix, pyStr(keys[i] as PyValue), tensor);
      parameters.add(tensor);
    }
  }
  if (parts.buffers instanceof PyDict) {
    const [keys, values] = [parts.buffers.keys(), parts.buffers.values()];
    for (let i = 0; i < keys.length; i++) {
      const tensor = values[i];
      if (!isTensor(tensor)) continue;
      const key = pyStr(keys[i] as PyValue);
      if (skip === undefined || !skip.has(key)) stateDict.add(prefix, key, tensor);
      buffers.add(tensor);
    }
  }
  const children = parts.modules;
  if (!(children instanceof PyDict)) return;
  const keys = children.keys();
  const values = children.values();
  for (let i = 0; i < keys.length; i++) {
    const child = values[i];
    if (isTagged(child) && child.kind === "object")
      walkModule(child, `${prefix}${pyStr(keys[i] as PyValue)}.`, depth + 1, state);
  }
}
