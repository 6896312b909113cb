import { z } from "zod";
import type { ByteSource } from "../bytes/byte-source.ts";
import { INPUT_CAPS, type InputCap, isOverCap, tooLargeMessage } from "../input-caps.ts";
import { fail, ok, type Result } from "../result.ts";
import { type Completeness, checkFileCompleteness } from "./completeness.ts";
import { type PythonJsonError, parsePythonJson } from "./python-json.ts";
import { parseSafetensorsIndex, readSafetensorsHeader, type SafetensorsHeader } from "./safetensors.ts";
import { sniffBytes } from "./sniff.ts";
import { analyzeTorchZip, type TorchZipLayout } from "./torch-zip-layout.ts";
import { readZipDirectory } from "./zip-directory.ts";

/** A read-only view of one directory, so core can inspect it without fs. */
export type DirectoryView = {
  /** File paths relative to the directory, `/`-separated, recursive (e.g. `checkpoint/mp_rank_00_model_states.pt`). */
  names(): readonly string[];
  /** A source for one file; undefined when it vanished or cannot be read. The io side owns closing. */
  open(name: string): ByteSource | undefined;
};

/** The parts of `config.json` the catalog uses; the rest is kept. */
export const HfModelConfig = z.looseObject({
  architectures: z.array(z.string()).nullable().optional(),
  model_type: z.string().optional(),
  torch_dtype: z.string().nullable().optional(),
  dtype: z.string().nullable().optional(),
  transformers_version: z.string().optional(),
});
export type HfModelConfig = z.infer<typeof HfModelConfig>;

const TRAINER_STATE = "trainer_state.json";
const WEIGHT_FILE = /^(model|adapter_model|pytorch_model)(-\d+-of-\d+)?\.(safetensors|bin)$/;
const WEIGHT_INDEX = /^(model\.safetensors|pytorch_model\.bin)\.index\.json$/;

/**
 * Why `trainer_state.json` was not read: `unfinished` (not valid JSON yet: the Trainer writes it last, so this is
 * usually a save in progress), or a file ckpt will not read however long it waits.
 */
export type TrainerStateError = {
  readonly code: "unfinished" | "too-large" | "too-deep";
  readonly message: string;
};

/** A small text file through the view, unless over `cap`; undefined when absent. */
function readTextFile(
  view: DirectoryView,
  file: { readonly name: string; readonly cap: InputCap },
): Result<string, TrainerStateError> | undefined {
  const source = view.open(file.name);
  if (source === undefined) return undefined;
  if (isOverCap(source.size, file.cap))
    return fail({
      code: "too-large",
      message: tooLargeMessage({ file: file.name, size: source.size, cap: file.cap }),
    });
  return ok(new TextDecoder().decode(source.read(0, source.size)));
}

function jsonProblem(name: string, error: PythonJsonError): TrainerStateError {
  if (error.code === "too-deep")
    return { code: "too-deep", message: `${name} is ${error.message}; it was not read` };
  return {
    code: "unfinished",
    message: `${name} is not valid JSON (${error.message}); it may still be being written`,
  };
}

/** A Python-written JSON file through the view, validated by `schema`; undefined when absent. */
export function readPythonJsonFile<T>(
  view: DirectoryView,
  file: { readonly name: string; readonly schema: z.ZodType<T> },
): Result<T, string> | undefined {
  const { name, schema } = file;
  const text = readTextFile(view, { name, cap: INPUT_CAPS.configFile });
  if (text === undefined) return undefined;
  if (!text.success) return fail(text.error.message);
  const parsed = parsePythonJson(text.data);
  if (!parsed.success) return fail(jsonProblem(name, parsed.error).message);
  const checked = schema.safeParse(parsed.data);
  return checked.success ? ok(checked.data) : fail(`${name}: ${z.prettifyError(checked.error)}`);
}

/** `trainer_state.json` text once it parses as a JSON object; its fields are read by `runs/hf-trainer-state.ts`. */
function readTrainerState(view: DirectoryView): Result<string, TrainerStateError> | undefined {
  const text = readTextFile(view, { name: TRAINER_STATE, cap: INPUT_CAPS.trainerState });
  if (text === undefined || !text.success) return text;
  const parsed = parsePythonJson(text.data);
  if (!parsed.success) return fail(jsonProblem(TRAINER_STATE, parsed.error));
  if (typeof parsed.data === "object" && parsed.data !== null && !Array.isArray(parsed.data)) return text;
  return fail({
    code: "unfinished",
    message: `${TRAINER_STATE} is not a JSON object; it may still be being written`,
  });
}

export type HfWeightFile = {
  readonly name: string;
  readonly format: "safetensors" | "torch-zip" | "other";
  readonly completeness: Completeness;
  readonly safetensors?: SafetensorsHeader;
  readonly torchZip?: TorchZipLayout;
};

function inspectWeightFile(view: DirectoryView, name: string): HfWeightFile {
  const source = view.open(name);
  if (source === undefined)
    return { name, format: "other", completeness: { state: "incomplete", reason: `${name} vanished` } };
  const completeness = checkFileCompleteness(source);
  const kind = sniffBytes(source).kind;
  if (kind === "safetensors") {
    const header = readSafetensorsHeader(source);
    return {
      name,
      format: "safetensors",
      completeness,
      ...(header.success ? { safetensors: header.data } : {}),
    };
  }
  if (kind !== "zip") return { name, format: "other", completeness };
  const directory = readZipDirectory(source);
  return {
    name,
    format: "torch-zip",
    completeness,
    ...(directory.success ? { torchZip: analyzeTorchZip(directory.data) } : {}),
  };
}

export type HfCheckpointDir = {
  /** `hf-checkpoint` has `trainer_state.json`; `hf-model` is a `save_pretrained` dir (config + weights). */
  readonly kind: "hf-checkpoint" | "hf-model";
  /** N of `checkpoint-N`, when the directory name says so. */
  readonly step: number | undefined;
  /** The text once it parses (hand it to `parseHfTrainerState`), or why it does not; undefined when absent. */
  readonly trainerState: Result<string, TrainerStateError> | undefined;
  readonly config: Result<HfModelConfig, string> | undefined;
  readonly weights: readonly HfWeightFile[];
  /** Shards named by an index file but absent. */
  readonly missingShards: readonly string[];
  /** `training_args.bin` when present: a torch zip whose pickle the composer reads. */
  readonly trainingArgsFile: string | undefined;
  readonly completeness: Completeness;
};

export type InspectHfOptions = {
  /** The directory's own name (`checkpoint-500`, `tmp-checkpoint-500`); drives the step and the in-progress rules. */
  readonly dirName?: string;
};

/** Recognises a Hugging Face Trainer `checkpoint-N/` (or `save_pretrained`) directory; undefined when it is not one. */
export function inspectHfCheckpointDir(
  view: DirectoryView,
  options: InspectHfOptions = {},
): HfCheckpointDir | undefined {
  const names = view.names().filter((name) => !name.includes("/"));
  const weightNames = names.filter((name) => WEIGHT_FILE.test(name)).sort();
  const hasTrainerState = names.includes(TRAINER_STATE);
  if (!hasTrainerState && !(names.includes("config.json") && weightNames.length > 0)) return undefined;
  const indexed = names
    .filter((name) => WEIGHT_INDEX.test(name))
    .flatMap((name) => {
      const text = view.open(name);
      if (text === undefined || isOverCap(text.size, INPUT_CAPS.configFile)) return [];
      const index = parseSafetensorsIndex(new TextDecoder().decode(text.read(0, text.size)));
      return index.success ? index.data.shards : [];
    });
  const weights = weightNames.map((name) => inspectWeightFile(view, name));
  const trainerState = readTrainerState(view);
  const missingShards = [...new Set(indexed)].filter((shard) => !names.includes(shard));
  const step = /^checkpoint-(\d+)$/.exec(options.dirName ?? "")?.[1];
  return {
    kind: hasTrainerState ? "hf-checkpoint" : "hf-model",
    step: step === undefined ? undefined : Number(step),
    trainerState,
    config: readPythonJsonFile(view, { name: "config.json", schema: HfModelConfig }),
    weights,
    missingShards,
    trainingArgsFile: names.includes("training_args.bin") ? "training_args.bin" : undefined,
    completeness: hfCompleteness({ dirName: options.dirName, trainerState, weights, missingShards }),
  };
}

type CompletenessInput = {
  dirName: string | undefined;
  trainerState: Result<string, TrainerStateError> | undefined;
  weights: readonly HfWeightFile[];
  missingShards: readonly string[];
};

/** formats.md §7.4/§12: `trainer_state.json` is written last and must parse; every weight file must be complete. */
function hfCompleteness(input: CompletenessInput): Completeness {
  if (input.dirName?.startsWith("tmp-checkpoint-"))
    return {
      state: "incomplete",
      reason: "tmp-checkpoint-* is renamed when transformers 4.36–4.38 finish writing it",
    };
  if (input.trainerState === undefined && /^checkpoint-\d+$/.test(input.dirName ?? ""))
    return { state: "incomplete", reason: "no trainer_state.json yet (the Trainer writes it last)" };
  // Over the cap or too deep says nothing about completeness: the weights decide, the report says why.
  if (input.trainerState?.success === false && input.trainerState.error.code === "unfinished")
    return { state: "incomplete", reason: input.trainerState.error.message };
  if (input.missingShards.length > 0)
    return {
      state: "incomplete",
      reason: `shards named by the index are missing: ${input.missingShards.join(", ")}`,
    };
  const bad = input.weights.find((weight) => weight.completeness.state !== "complete");
  if (bad !== undefined)
    return { state: bad.completeness.state, reason: `${bad.name}: ${bad.completeness.reason}` };
  return {
    state: "complete",
    reason: `${input.weights.length} weight file(s) complete${input.trainerState ? ", trainer_state.json parses" : ""}`,
  };
}
