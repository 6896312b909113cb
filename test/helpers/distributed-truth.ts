// Test-only: the facts a distributed-format truth file (test/fixtures/distributed) lists, and the same facts
// taken from a report, shaped alike so one `toEqual` compares them.
import type { CheckpointReport } from "../../src/core/checkpoint/checkpoint-report.ts";
import type { Truth } from "./read-truth.ts";

type Facts = Record<string, unknown>;

const pick = (from: Record<string, unknown> | undefined, keys: readonly string[]): Facts =>
  Object.fromEntries(
    keys.filter((key) => from !== undefined && key in from).map((key) => [key, from?.[key]]),
  );

function expectedStatus(name: string, truth: Truth): string {
  if (name.startsWith("broken/")) return "unsafe";
  return truth["complete"] === false ? "incomplete" : "ok";
}

const TAG_KEYS = ["tag", "is_latest", "expected_files", "missing_files", "complete"] as const;
const STATES_KEYS = ["global_samples", "zero_stage", "dp_world_size", "bf16", "client_state"] as const;
const RUN_KEYS = [
  ...["latest_file", "latest", "latest_tag_exists", "tags", "tags_complete", "newest_tag_on_disk"],
  ...["resume_tag", "incomplete_tags", "has_zero_to_fp32", "complete"],
] as const;
const DCP_KEYS = ["metadata_file", "writer_ranks", "complete", "tensor_count", "bytes_entries"] as const;
const DCP_MORE = ["storage_files_referenced", "storage_files_missing", "bytes_values"] as const;
const ACCELERATE_KEYS = [
  ...["save_index", "files", "model_files", "optimizer_files", "scheduler_files", "rng_state_files"],
  ...["custom_checkpoints", "complete"],
] as const;
const PEFT_KEYS = [
  "peft_type",
  "task_type",
  "r",
  "lora_alpha",
  "target_modules",
  "base_model_name_or_path",
] as const;

/** Which format a directory truth describes, by the fields only that format's truth has. */
function dirKind(truth: Truth): string {
  if ("deepspeed_run" in truth) return "hf-deepspeed";
  if ("tag" in truth) return "deepspeed-tag";
  if ("latest_file" in truth) return "deepspeed-run";
  if ("metadata_file" in truth) return "dcp";
  if ("save_index" in truth) return "accelerate";
  if ("adapter_config" in truth) return "peft";
  if ("shards_expected" in truth) return "hf-sharded";
  return "run";
}

/** The truth's side for a checkpoint directory. */
export function expectedDirFacts(name: string, truth: Truth): Facts {
  const kind = dirKind(truth);
  const base = { status: expectedStatus(name, truth) };
  const tr = truth as Record<string, unknown>;
  switch (kind) {
    case "deepspeed-tag":
      return {
        ...base,
        framework: "deepspeed",
        global_step: tr["global_steps"],
        tag: pick(tr, TAG_KEYS),
        states: pick(tr, STATES_KEYS),
      };
    case "deepspeed-run":
      return { ...base, framework: "deepspeed", run: pick(tr, RUN_KEYS) };
    case "hf-deepspeed":
      return { ...base, global_step: tr["global_step"], run: pick(tr["deepspeed_run"] as Facts, RUN_KEYS) };
    case "dcp":
      return {
        ...base,
        framework: "torch-dcp",
        dcp: { ...pick(tr, DCP_KEYS), ...pick(tr, DCP_MORE) },
        ...(tr["step"] === undefined ? {} : { global_step: tr["step"] }),
      };
    case "accelerate":
      return { ...base, framework: "accelerate", accelerate: pick(tr, ACCELERATE_KEYS) };
    case "peft":
      return {
        ...base,
        framework: "peft",
        peft: pick(tr, PEFT_KEYS),
        adapter_tensor_count: tr["adapter_tensor_count"],
      };
    case "hf-sharded":
      return { ...base, missing_shards: tr["shards_missing"] };
    default:
      return { kind };
  }
}

/** The report's side, shaped as `expectedDirFacts` shapes the truth's. */
export function actualDirFacts(name: string, truth: Truth, report: CheckpointReport): Facts {
  const expected = expectedDirFacts(name, truth);
  const ds = report.deepspeed;
  const have: Facts = {
    status: report.status,
    framework: report.framework,
    global_step: report.global_step,
    tag: ds?.tag,
    states: ds?.states,
    run: ds?.run,
    dcp: report.dcp,
    // The fixtures keep truth files beside the writer's files; they are not part of the checkpoint.
    accelerate: report.accelerate && {
      ...report.accelerate,
      files: report.accelerate.files.filter((file) => !file.endsWith(".truth.json")),
    },
    peft: report.peft,
    adapter_tensor_count: report.peft?.adapter_tensor_count,
    missing_shards: report.hf?.missing_shards,
  };
  const out: Facts = {};
  for (const [key, want] of Object.entries(expected)) {
    const value = have[key];
    out[key] =
      want !== null && typeof want === "object" && !Array.isArray(want)
        ? pick(value as Facts, Object.keys(want))
        : value;
  }
  return out;
}

/** A run directory truth (`checkpoints`/`steps`/`tags`): which checkpoints it holds. */
export function isRunTruth(truth: Truth): boolean {
  return dirKind(truth) === "run";
}

const FILE_KEYS = [
  "container",
  "size_bytes",
  "pickle_globals",
  "top_level_keys",
  "state_dict",
  "kind",
] as const;
const STATES_FILE_KEYS = [
  ...["global_steps", "global_samples", "skipped_steps", "ds_version", "zero_stage", "bf16", "fp16"],
  ...["dp_world_size", "mp_world_size", "optimizer_in_model_states", "optimizer_type", "client_state_keys"],
  "client_state",
] as const;

/** The truth's side for one file: its container facts, its framework when it is one ckpt names, DeepSpeed facts. */
export function expectedFileFacts(truth: Truth): Facts {
  const facts: Facts = pick(truth, FILE_KEYS);
  const framework = truth["framework"];
  // A DeepSpeed file says what it is by its keys; an Accelerate file is a plain dict whose framework the truth
  // takes from the directory it sits in, which a single file does not show.
  if (framework === "deepspeed") facts["framework"] = framework;
  const deepspeed = truth["deepspeed"] as Facts | undefined;
  if (deepspeed !== undefined && "global_steps" in deepspeed)
    facts["states"] = pick(deepspeed, STATES_FILE_KEYS);
  const safetensors = truth["safetensors"] as Facts | undefined;
  if (safetensors !== undefined)
    facts["safetensors"] = pick(safetensors, ["tensor_count", "dtypes", "header_len"]);
  return facts;
}

export function actualFileFacts(truth: Truth, report: CheckpointReport): Facts {
  const expected = expectedFileFacts(truth);
  const have: Facts = { ...report, states: report.deepspeed?.states, safetensors: report.safetensors };
  const out: Facts = {};
  for (const [key, want] of Object.entries(expected)) {
    const value = have[key];
    out[key] =
      want !== null && typeof want === "object" && !Array.isArray(want) && key !== "state_dict"
        ? pick(value as Facts, Object.keys(want))
        : value;
  }
  return out;
}
