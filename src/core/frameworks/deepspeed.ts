import type { DeepSpeedStates } from "../checkpoint/distributed-report-parts.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import { type PyValue, sequenceItems } from "../formats/pickle/py-value.ts";
import type { PlainJson } from "../formats/pickle/to-plain-json.ts";
import { asInt, asString, type FrameworkInput, field, type Recognizer } from "./framework-input.ts";
import { summarizeStateDict } from "./state-dict-summary.ts";

/**
 * Keys `DeepSpeedEngine._save_checkpoint` writes itself (0.3 – 0.16: `engine.py`); every other top-level key came
 * from the caller's `client_state`. Newer releases add keys: unknown ones are still reported, as client state.
 */
const ENGINE_KEYS = new Set([
  ...["module", "buffer_names", "optimizer", "param_shapes", "frozen_param_shapes", "shared_params"],
  ...["frozen_param_fragments", "lr_scheduler", "data_sampler", "random_ltd", "sparse_tensor_module_names"],
  ...["skipped_steps", "global_steps", "global_samples", "dp_world_size", "mp_world_size", "ds_config"],
  ...["ds_version", "csr_tensor_module_names", "compiled_module", "universal_checkpoint_info"],
  ...["iteration", "mp_rank", "moe_state_dict"],
]);

/** `ds_config[...path]` as plain JSON. */
function configAt(config: PlainJson, path: readonly string[]): PlainJson | undefined {
  let at: PlainJson | undefined = config;
  for (const key of path) {
    if (typeof at !== "object" || at === null || Array.isArray(at)) return undefined;
    at = at[key];
  }
  return at;
}

function enabled(config: PlainJson, section: string): boolean {
  return configAt(config, [section, "enabled"]) === true;
}

function paramShapes(input: FrameworkInput, value: PyValue | undefined): DeepSpeedStates["param_shapes"] {
  const groups = sequenceItems(value) ?? (value instanceof PyDict ? [value] : undefined);
  if (groups === undefined) return undefined;
  const shapes: Record<string, number[]> = {};
  let numel = 0;
  for (const group of groups) {
    if (!(group instanceof PyDict)) return undefined;
    for (const [name, shape] of group.entries()) {
      const dims = input.plain(shape);
      if (!Array.isArray(dims) || !dims.every((d) => typeof d === "number")) continue;
      shapes[pyStr(name)] = dims as number[];
      numel += (dims as number[]).reduce((product, d) => product * d, 1);
    }
  }
  return { param_groups: groups.length, param_count: Object.keys(shapes).length, numel_total: numel, shapes };
}

/** The engine's facts of a model-states dict; undefined when it is not one. */
export function deepSpeedStates(input: FrameworkInput): DeepSpeedStates | undefined {
  const { root } = input;
  if (!(root instanceof PyDict) || !root.has("ds_config") || !root.has("module")) return undefined;
  if (!root.has("global_steps") && !root.has("ds_version")) return undefined;
  const config = input.plain(root.get("ds_config") ?? null);
  const stage = configAt(config, ["zero_optimization", "stage"]);
  const optimizerType = configAt(config, ["optimizer", "type"]);
  const clientKeys = root
    .keys()
    .map((key) => pyStr(key))
    .filter((key) => !ENGINE_KEYS.has(key));
  const clientState: Record<string, PlainJson> = {};
  for (const key of clientKeys) clientState[key] = input.plain(root.get(key) ?? null);
  const shapes = paramShapes(input, root.get("param_shapes"));
  return {
    global_steps: asInt(root.get("global_steps")) ?? null,
    global_samples: asInt(root.get("global_samples")) ?? null,
    skipped_steps: asInt(root.get("skipped_steps")) ?? null,
    ds_version: asString(root.get("ds_version")) ?? null,
    zero_stage: typeof stage === "number" ? stage : stage === undefined ? 0 : null,
    bf16: enabled(config, "bf16") || enabled(config, "bfloat16"),
    fp16: enabled(config, "fp16"),
    dp_world_size: asInt(root.get("dp_world_size")) ?? null,
    mp_world_size: asInt(root.get("mp_world_size")) ?? null,
    optimizer_in_model_states: root.get("optimizer") !== null && root.get("optimizer") !== undefined,
    optimizer_type: typeof optimizerType === "string" ? optimizerType : null,
    ...(shapes === undefined ? {} : { param_shapes: shapes }),
    client_state_keys: clientKeys,
    client_state: clientState,
  };
}

/**
 * DeepSpeed `mp_rank_NN_model_states.pt` (weights under `module`, engine counters, `ds_config`) and
 * `[bf16_]zero_pp_rank_D_mp_rank_NN_optim_states.pt` (`optimizer_state_dict`, `ds_config`, `ds_version`).
 */
export const recognizeDeepSpeed: Recognizer = (input) => {
  const states = deepSpeedStates(input);
  if (states !== undefined) {
    const stateDict = summarizeStateDict(input.root instanceof PyDict ? input.root.get("module") : undefined);
    const epoch = states.client_state_keys.includes("epoch")
      ? input.scalar(field(input.root, "epoch"))
      : undefined;
    return {
      framework: "deepspeed",
      confidence: 1,
      facts: {
        kind: "deepspeed model states",
        ...(stateDict === undefined ? {} : { state_dict_key: "module", state_dict: stateDict }),
        ...(states.global_steps === null ? {} : { global_step: states.global_steps }),
        ...(typeof epoch === "number" ? { epoch } : {}),
        deepspeed: { states, executable_scripts: [] },
      },
    };
  }
  const { root } = input;
  if (!(root instanceof PyDict) || !root.has("optimizer_state_dict") || !root.has("ds_version"))
    return undefined;
  return { framework: "deepspeed", confidence: 0.95, facts: { kind: "deepspeed zero optimizer states" } };
};
