import { DEFAULT_SOURCE, type Extracted, type FieldSources } from "./assembly-notes.ts";
import type { ModelInfo } from "./metadata-schema.ts";
import {
  booleanAt,
  integerAt,
  integerListAt,
  isRecord,
  type PlainRecord,
  paramsWithout,
  recordAt,
  shortClassName,
  stringAt,
} from "./plain-values.ts";
import type { ReportFacts } from "./report-facts.ts";
import type { RunContext } from "./run-context-model.ts";

/** A config that may describe the model, and the source label its values get. */
type ModelConfig = { readonly label: string; readonly model: PlainRecord; readonly root: PlainRecord };

const COMPONENTS = ["encoder", "decoder", "head", "loss"] as const;
type Component = (typeof COMPONENTS)[number];

export const UNKNOWN = "unknown";

/** `model.*` when the config nests it (Hydra, the fixtures' hparams), else the top level (seed: `hyper_parameters.encoder`). */
function modelConfig(label: string, root: PlainRecord | null | undefined): ModelConfig | null {
  if (!root) return null;
  const nested = recordAt(root, "model");
  const describes = (candidate: PlainRecord) =>
    COMPONENTS.some((name) => isRecord(candidate[name])) ||
    isRecord(candidate["component_overrides"]) ||
    stringAt(candidate, "architecture") !== undefined ||
    stringAt(candidate, "architecture_name") !== undefined;
  if (nested && describes(nested)) return { label, model: nested, root };
  return describes(root) ? { label, model: root, root } : null;
}

/** Model configs in the seed's order: checkpoint hyper_parameters, Lightning hparams.yaml, then Hydra. */
function modelConfigs(facts: ReportFacts, run: RunContext): ModelConfig[] {
  return [
    modelConfig("checkpoint", facts.hyper_parameters),
    modelConfig("hparams.yaml", run.hparams?.values),
    modelConfig("hydra", run.hydra?.config),
  ].filter((config): config is ModelConfig => config !== null);
}

/** The component's config: Hydra `component_overrides` win over the plain entry, as in the seed's tool. */
function componentOf(config: ModelConfig, name: Component): PlainRecord | undefined {
  return recordAt(config.model, "component_overrides", name) ?? recordAt(config.model, name);
}

function nameOf(config: PlainRecord, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const found = stringAt(config, key);
    if (found !== undefined) return found;
  }
  const target = stringAt(config, "_target_");
  return target === undefined ? undefined : shortClassName(target);
}

function architectureFrom(config: ModelConfig): string | undefined {
  return (
    nameOf(config.model, ["architecture", "architecture_name", "arch", "name"]) ??
    stringAt(config.root, "architecture_name") ??
    stringAt(config.root, "architecture")
  );
}

function fileStem(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name.replace(/\.(ya?ml|pt|pth|safetensors)$/i, "");
}

/** An exported model names its own architecture: GGUF metadata, the Keras config's class, NeMo's target class. */
function exportedArchitecture(facts: ReportFacts): { value: string; source: string } | null {
  const gguf = facts.gguf?.["general.architecture"];
  if (gguf) return { value: gguf, source: "gguf:general.architecture" };
  if (facts.keras?.class_name) return { value: facts.keras.class_name, source: "keras:config.json" };
  if (facts.nemo?.target)
    return { value: shortClassName(facts.nemo.target), source: "nemo:model_config.yaml" };
  return null;
}

/** Architecture named by the checkpoint itself when no model config does (timm, Ultralytics, HF). */
function frameworkArchitecture(
  facts: ReportFacts,
  run: RunContext,
): { value: string; source: string } | null {
  if (facts.arch) return { value: facts.arch, source: "checkpoint:arch" };
  const exported = exportedArchitecture(facts);
  if (exported) return exported;
  const info = facts.model_info ?? facts.ema_info;
  if (info?.yaml_file) return { value: fileStem(info.yaml_file), source: "checkpoint" };
  const ultralyticsModel = stringAt(facts.train_args, "model") ?? stringAt(run.ultralyticsArgs, "model");
  if (ultralyticsModel) return { value: fileStem(ultralyticsModel), source: "train_args" };
  const architectures = facts.hf?.architectures ?? run.hfConfig?.["architectures"];
  if (Array.isArray(architectures) && typeof architectures[0] === "string") {
    return { value: architectures[0], source: "config.json" };
  }
  const modelType = facts.hf?.model_type ?? stringAt(run.hfConfig, "model_type");
  return modelType ? { value: modelType, source: "config.json" } : null;
}

function pick<T>(
  configs: readonly ModelConfig[],
  read: (config: ModelConfig) => T | undefined,
): { value: T; source: string } | null {
  for (const config of configs) {
    const value = read(config);
    if (value !== undefined) return { value, source: config.label };
  }
  return null;
}

function componentPick(configs: readonly ModelConfig[], name: Component) {
  return pick(configs, (config) => componentOf(config, name));
}

/** `pretrained` when nothing in a model config says: timm and Ultralytics args carry it as a boolean. */
function argsPretrained(facts: ReportFacts): { value: boolean; source: string } | null {
  const fromArgs = booleanAt(facts.args, "pretrained");
  if (fromArgs !== undefined) return { value: fromArgs, source: "checkpoint" };
  const fromTrainArgs = booleanAt(facts.train_args, "pretrained");
  return fromTrainArgs === undefined ? null : { value: fromTrainArgs, source: "train_args" };
}

function encoderInfo(configs: readonly ModelConfig[], facts: ReportFacts, sources: FieldSources) {
  const found = componentPick(configs, "encoder");
  const config = found?.value ?? {};
  const modelName = nameOf(config, ["model_name", "name", "backbone", "arch"]);
  const pretrained = booleanAt(config, "pretrained");
  const frozen = booleanAt(config, "frozen") ?? booleanAt(config, "freeze");
  if (modelName !== undefined && found) sources["model.encoder.model_name"] = found.source;
  const fallback = pretrained === undefined ? argsPretrained(facts) : null;
  // The schema needs a boolean; the seed's tool assumed pretrained weights when nothing said.
  sources["model.encoder.pretrained"] =
    pretrained !== undefined && found ? found.source : (fallback?.source ?? DEFAULT_SOURCE);
  if (frozen !== undefined && found) sources["model.encoder.frozen"] = found.source;
  return {
    model_name: modelName ?? UNKNOWN,
    pretrained: pretrained ?? fallback?.value ?? true,
    ...(frozen === undefined ? {} : { frozen }),
  };
}

const DECODER_KEYS = ["name", "_target_", "in_channels", "inner_channels", "output_channels", "out_channels"];

function decoderInfo(configs: readonly ModelConfig[], sources: FieldSources) {
  const found = componentPick(configs, "decoder");
  if (!found) return { name: UNKNOWN, in_channels: [], inner_channels: null, output_channels: null };
  const config = found.value;
  const encoder = pick(configs, (model) => componentOf(model, "encoder"))?.value;
  // An encoder-decoder's decoder input is the encoder's output channels, when only the encoder lists them.
  const inChannels =
    integerListAt(config, "in_channels") ??
    integerListAt(encoder, "out_channels") ??
    integerListAt(encoder, "channels");
  const value = {
    name: nameOf(config, ["name"]) ?? UNKNOWN,
    in_channels: inChannels ?? [],
    inner_channels: integerAt(config, "inner_channels") ?? null,
    output_channels: integerAt(config, "output_channels") ?? integerAt(config, "out_channels") ?? null,
    params: paramsWithout(config, DECODER_KEYS),
  };
  if (value.name !== UNKNOWN) sources["model.decoder.name"] = found.source;
  if (inChannels) sources["model.decoder.in_channels"] = found.source;
  for (const field of ["inner_channels", "output_channels", "params"] as const)
    if (value[field] !== null) sources[`model.decoder.${field}`] = found.source;
  return value;
}

function headInfo(configs: readonly ModelConfig[], sources: FieldSources) {
  const found = componentPick(configs, "head");
  if (!found) return { name: UNKNOWN, in_channels: null };
  const inChannels = integerAt(found.value, "in_channels") ?? null;
  sources["model.head.name"] = found.source;
  sources["model.head.params"] = found.source;
  if (inChannels !== null) sources["model.head.in_channels"] = found.source;
  return {
    name: nameOf(found.value, ["name"]) ?? UNKNOWN,
    in_channels: inChannels,
    params: paramsWithout(found.value, ["name", "_target_", "in_channels"]),
  };
}

function lossInfo(configs: readonly ModelConfig[], sources: FieldSources) {
  const found = componentPick(configs, "loss");
  if (!found) return { name: UNKNOWN };
  sources["model.loss.name"] = found.source;
  sources["model.loss.params"] = found.source;
  return {
    name: nameOf(found.value, ["name"]) ?? UNKNOWN,
    params: paramsWithout(found.value, ["name", "_target_"]),
  };
}

/**
 * The `model:` section, after the seed: architecture / encoder / decoder / head / loss from the checkpoint's
 * `hyper_parameters` (nested `model.*` or top level), then Lightning `hparams.yaml`, then Hydra `model.*` with
 * `component_overrides`; each field from the first config that has it. Framework facts (timm `arch`, the
 * Ultralytics model yaml, HF `config.json` architectures) name the architecture when no config does.
 */
export function extractModelInfo(
  facts: ReportFacts,
  run: RunContext,
  conventional: { readonly value: string; readonly source: string } | null = null,
): Extracted<ModelInfo> {
  const configs = modelConfigs(facts, run);
  const sources: FieldSources = {};
  const architecture = pick(configs, architectureFrom) ?? conventional ?? frameworkArchitecture(facts, run);
  if (architecture) sources["model.architecture"] = architecture.source;
  const value: ModelInfo = {
    architecture: architecture?.value ?? UNKNOWN,
    encoder: encoderInfo(configs, facts, sources),
    decoder: decoderInfo(configs, sources),
    head: headInfo(configs, sources),
    loss: lossInfo(configs, sources),
  };
  // The schema needs these; nothing said them: the seed's "unknown" placeholder (an empty channel list).
  for (const field of PLACEHOLDER_FIELDS) sources[field] ??= DEFAULT_SOURCE;
  return { value, sources, problems: [] };
}

const PLACEHOLDER_FIELDS = [
  "model.architecture",
  "model.encoder.model_name",
  "model.decoder.name",
  "model.decoder.in_channels",
  "model.head.name",
  "model.loss.name",
] as const;
