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
    walkModule(module, { prefix: "", depth: 0, walk, seen: new Set() });
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

type WalkState = { prefix: string; depth: number; walk: ModuleWalk; seen: Set<PyObject> };

function walkModule(module: PyObject, state: WalkState): void {
  // Only ancestors are skipped: like torch, a submodule shared by two parents appears under both names.
  if (state.depth > MAX_MODULE_DEPTH || state.seen.has(module)) return;
  state.walk.visits += 1;
  if (state.walk.visits > MAX_MODULE_VISITS) return;
  state.seen.add(module);
  try {
    walkModuleBody(module, state);
  } finally {
    state.seen.delete(module);
  }
}

function walkModuleBody(module: PyObject, state: WalkState): void {
  const attributes = module.attributes;
  const nonPersistent = attributes?.get("_non_persistent_buffers_set");
  const skip =
    isTagged(nonPersistent) && nonPersistent.kind === "set" && nonPersistent.items.length > 0
      ? new Set(nonPersistent.items.map((item) => pyStr(item)))
      : undefined;
  forEachTensor(attributes?.get("_parameters"), (key, tensor) => {
    state.walk.stateDict.add(state.prefix, key, tensor);
    state.walk.parameters.add(tensor);
  });
  forEachTensor(attributes?.get("_buffers"), (key, tensor) => {
    if (skip === undefined || !skip.has(key)) state.walk.stateDict.add(state.prefix, key, tensor);
    state.walk.buffers.add(tensor);
  });
  const children = attributes?.get("_modules");
  if (!(children instanceof PyDict)) return;
  const keys = children.keys();
  const values = children.values();
  for (let i = 0; i < keys.length; i++) {
    const child = values[i];
    if (!isModuleObject(child)) continue;
    const prefix = `${state.prefix}${pyStr(keys[i] as PyValue)}.`;
    walkModule(child, { ...state, prefix, depth: state.depth + 1 });
  }
}

function forEachTensor(value: PyValue | undefined, visit: (key: string, tensor: TensorRef) => void): void {
  if (!(value instanceof PyDict)) return;
  const keys = value.keys();
  const values = value.values();
  for (let i = 0; i < keys.length; i++) {
    const item = values[i];
    if (isTensor(item)) visit(pyStr(keys[i] as PyValue), item);
  }
}
