import { checkFileCompleteness } from "../formats/completeness.ts";
import {
  type DeepSpeedLayout,
  deepSpeedTagFiles,
  expectedDeepSpeedFiles,
  LATEST_FILE,
  primaryModelStates,
  tagNumber,
} from "../formats/distributed/deepspeed-layout.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import type { TorchPickleRead } from "../formats/torch-pickle-result.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import { deepSpeedStates } from "../frameworks/deepspeed.ts";
import { readTorchFile } from "./directory-files.ts";
import type { DeepSpeedRun, DeepSpeedStates, DeepSpeedTag } from "./distributed-report-parts.ts";
import { frameworkInput } from "./torch-report.ts";

// The committed-tag rule of a DeepSpeed save dir: `save_checkpoint` writes the tag's files, then (rank 0, with
// `save_latest=True`) the tag into `latest`. A tag newer than the one `latest` names is not committed.

/** One tag as read: its files, its rank-0 model states (read and interpreted), and its verdict. */
export type ReadTag = {
  readonly tag: string;
  readonly files: readonly string[];
  readonly modelStates: string | undefined;
  readonly read: TorchPickleRead | undefined;
  readonly states: DeepSpeedStates | undefined;
  readonly verdict: DeepSpeedTag;
};

export type SaveDir = {
  readonly latest: string | null;
  readonly latestFile: string | null;
  readonly tags: readonly string[];
  /** Each tag's own files (`global_step6` → `mp_rank_00_model_states.pt`, …), from the one listing. */
  readonly filesByTag: ReadonlyMap<string, readonly string[]>;
  /** The save dir's file paths (`<tag>/…`; nested in the view for Lightning `x.ckpt/`, HF `checkpoint-N/`). */
  readonly names: readonly string[];
};

export function readSaveDir(view: DirectoryView): SaveDir {
  const names = view.names();
  const source = names.includes(LATEST_FILE) ? view.open(LATEST_FILE) : undefined;
  const latest = source ? new TextDecoder().decode(source.read(0, Math.min(source.size, 1024))).trim() : null;
  const filesByTag = deepSpeedTagFiles(names);
  return {
    latest: latest || null,
    latestFile: source ? LATEST_FILE : null,
    tags: [...filesByTag.keys()],
    filesByTag,
    names,
  };
}

/** A tag's files as paths in the view (`<tag>/<file>`). */
function tagFiles(save: SaveDir, tag: string): string[] {
  return (save.filesByTag.get(tag) ?? []).map((file) => `${tag}/${file}`);
}

function layoutOf(states: DeepSpeedStates | undefined): DeepSpeedLayout | undefined {
  if (states === undefined || states.zero_stage === null) return undefined;
  return {
    zeroStage: states.zero_stage,
    dpWorldSize: states.dp_world_size ?? 1,
    mpWorldSize: states.mp_world_size ?? 1,
    bf16: states.bf16,
  };
}

/** Whether `latest` says this tag's save finished: named by it, or older than the tag it names. */
function commitment(
  save: SaveDir,
  tag: string,
  step: number | undefined,
): { committed: boolean; reason?: string } {
  if (save.latest === null)
    return {
      committed: false,
      reason:
        "no `latest` file: DeepSpeed writes it after the tag's files (save in progress or save_latest=False)",
    };
  if (tag === save.latest) return { committed: true };
  const latestStep = tagNumber(save.latest);
  const own = step ?? tagNumber(tag);
  if (own !== undefined && latestStep !== undefined && own < latestStep) return { committed: true };
  if (own !== undefined && latestStep !== undefined)
    return {
      committed: false,
      reason: "newer than the tag in `latest`: save not committed (`latest` not updated)",
    };
  return { committed: false, reason: `not named by \`latest\` (${save.latest}) and not comparable with it` };
}

function missingFiles(view: DirectoryView, tag: string, files: readonly string[], states?: DeepSpeedStates) {
  const layout = layoutOf(states);
  const present = new Set(files.map((name) => name.slice(tag.length + 1)));
  const expected = layout ? expectedDeepSpeedFiles(layout) : [];
  const missing = expected
    .filter((choices) => !choices.some((name) => present.has(name)))
    .map((c) => c[0] ?? "");
  const broken = [...present]
    .filter((name) => name.endsWith(".pt"))
    .filter((name) => {
      const source = view.open(`${tag}/${name}`);
      return source === undefined || checkFileCompleteness(source).state !== "complete";
    });
  return {
    expected: expected.map((choices) => choices.find((name) => present.has(name)) ?? choices[0] ?? ""),
    missing: [...missing, ...broken.map((name) => `${name} (unfinished)`)],
    layoutKnown: layout !== undefined,
  };
}

/** Reads one tag's model states and judges it against `latest`. */
export function readTag(
  view: DirectoryView,
  save: SaveDir,
  options: { tag: string; inflate?: InflateRaw | undefined },
): ReadTag {
  const { tag } = options;
  const files = tagFiles(save, tag);
  const modelStates = primaryModelStates(files.map((name) => name.slice(tag.length + 1)));
  const read = modelStates
    ? readTorchFile(view, { name: `${tag}/${modelStates}`, inflate: options.inflate })
    : undefined;
  const states =
    read?.value === undefined ? undefined : deepSpeedStates(frameworkInput(read.value, read.readScalar));
  const { committed, reason } = commitment(save, tag, states?.global_steps ?? undefined);
  const files_ = missingFiles(view, tag, files, states);
  const whole = files_.layoutKnown && files_.missing.length === 0;
  const complete = committed && whole;
  const completeReason = !whole
    ? files_.layoutKnown
      ? `files its ZeRO stage and world size require are missing or unfinished: ${files_.missing.join(", ")}`
      : "the model-states file cannot be read, so the files this tag needs are unknown"
    : (reason ??
      (tag === save.latest
        ? "named by `latest` and all expected files present"
        : "older than `latest` and all expected files present"));
  return {
    tag,
    files,
    modelStates,
    read,
    states,
    verdict: {
      tag,
      files: files.map((name) => name.slice(tag.length + 1)),
      is_latest: tag === save.latest,
      committed,
      expected_files: files_.expected,
      missing_files: files_.missing,
      complete,
      complete_reason: completeReason,
    },
  };
}

/** The run-level verdict: `latest` must name a tag on disk whose files are all there. */
export function runVerdict(save: SaveDir, tags: readonly ReadTag[], hasScript: boolean): DeepSpeedRun {
  const latestTag = tags.find((t) => t.tag === save.latest);
  const complete = latestTag?.verdict.complete === true;
  const reason =
    save.latest === null
      ? "no `latest` file: no save of this run has been committed"
      : latestTag === undefined
        ? `\`latest\` names '${save.latest}', which is not on disk (DeepSpeed load_checkpoint would fail)`
        : complete
          ? "the tag named by `latest` is on disk with all its files (resumable)"
          : `the tag named by \`latest\` is not whole: ${latestTag.verdict.complete_reason}`;
  return {
    latest_file: save.latestFile,
    latest: save.latest,
    latest_tag_exists: latestTag !== undefined,
    tags: tags.map((t) => t.tag),
    tags_complete: Object.fromEntries(tags.map((t) => [t.tag, t.verdict.complete])),
    newest_tag_on_disk: tags.at(-1)?.tag ?? null,
    resume_tag: complete ? (save.latest ?? null) : null,
    incomplete_tags: tags.filter((t) => !t.verdict.complete).map((t) => t.tag),
    has_zero_to_fp32: hasScript,
    complete,
    complete_reason: reason,
  };
}
