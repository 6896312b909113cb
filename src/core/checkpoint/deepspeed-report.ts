import { ZERO_TO_FP32 } from "../formats/distributed/deepspeed-layout.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import type { GlobalScan } from "../safety/pickle-global-scan.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { type ReadTag, readSaveDir, readTag, runVerdict } from "./deepspeed-tags.ts";
import { readTorchFile } from "./directory-files.ts";
import { judgedDirectoryReport } from "./directory-verdict.ts";
import type { DeepSpeedFacts } from "./distributed-report-parts.ts";
import { failedReport } from "./report-outcome.ts";
import { pickleFacts, safetyOf } from "./torch-report.ts";

export type DeepSpeedReportOptions = {
  readonly base: CheckpointReport;
  /** Report this tag (`global_step6`) as the checkpoint; without it the save dir is reported as a run. */
  readonly tag?: string;
  readonly inflate?: InflateRaw;
};

const SCRIPT_NOTE = `${ZERO_TO_FP32} is an executable Python script DeepSpeed copies into every save dir; ckpt never runs it (informational, not a safety verdict)`;

/** Every pickle of the tags, scanned: a hostile file anywhere in the checkpoint makes it unsafe. */
function scansOf(
  view: DirectoryView,
  tags: readonly ReadTag[],
  inflate: InflateRaw | undefined,
): GlobalScan[] {
  const scans: GlobalScan[] = [];
  for (const tag of tags) {
    if (tag.read) scans.push(tag.read.scan);
    for (const file of tag.files) {
      if (!file.endsWith(".pt") || file === `${tag.tag}/${tag.modelStates}`) continue;
      const read = readTorchFile(view, { name: file, inflate });
      if (read) scans.push(read.scan);
    }
  }
  return scans;
}

/** The tag whose model states describe a run: the one `latest` names, else the newest on disk. */
function describingTag(tags: readonly ReadTag[], latest: string | null): ReadTag | undefined {
  return tags.find((t) => t.tag === latest && t.read) ?? [...tags].reverse().find((t) => t.read);
}

/**
 * A DeepSpeed save dir (`<save>/latest` + `<save>/<tag>/…`, also nested in a Lightning `x.ckpt/` or an HF
 * `checkpoint-N/`), as a run or as one of its tags. Reads `latest`, the model-states pickles and the pickles of
 * the other rank files for safety; never a tensor payload.
 */
export function deepSpeedReport(view: DirectoryView, options: DeepSpeedReportOptions): CheckpointReport {
  const save = readSaveDir(view);
  const wanted = options.tag === undefined ? save.tags : save.tags.filter((tag) => tag === options.tag);
  const tags = wanted.map((tag) => readTag(view, save, { tag, inflate: options.inflate }));
  const focus = options.tag === undefined ? describingTag(tags, save.latest) : tags[0];
  const hasScript = save.names.includes(ZERO_TO_FP32);
  const run = options.tag === undefined ? runVerdict(save, tags, hasScript) : undefined;
  const facts = focus?.read ? pickleFacts(focus.read) : { framework: null, notes: [] };
  const { notes, deepspeed: _fileFacts, ...rest } = facts;
  const deepspeed: DeepSpeedFacts = {
    ...(focus?.states ? { states: focus.states } : {}),
    ...(options.tag !== undefined && focus ? { tag: focus.verdict } : {}),
    ...(run ? { run } : {}),
    executable_scripts: hasScript ? [ZERO_TO_FP32] : [],
  };
  const safety = safetyOf(scansOf(view, tags, options.inflate), focus?.read);
  const warnings = [...notes, ...(hasScript ? [SCRIPT_NOTE] : [])];
  const report: CheckpointReport = {
    ...options.base,
    ...rest,
    container: options.base.container === "lightning-sharded-dir" ? options.base.container : "deepspeed-dir",
    framework: rest.framework ?? "deepspeed",
    pickle_globals: focus?.read ? [...focus.read.scan.names] : [],
    safety,
    deepspeed,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  return withVerdict(report, { verdict: options.tag === undefined ? run : focus?.verdict, tag: options.tag });
}

/** The report's status from the run's or the tag's verdict: incomplete says why. */
function withVerdict(
  report: CheckpointReport,
  judged: { verdict: { complete: boolean; complete_reason: string } | undefined; tag: string | undefined },
): CheckpointReport {
  const { verdict, tag } = judged;
  // No verdict means no tag was read, so nothing was scanned: not-a-checkpoint cannot hide an unsafe file.
  if (verdict === undefined)
    return failedReport(report, {
      status: "not-a-checkpoint",
      code: "not-a-checkpoint-dir",
      message: `no DeepSpeed tag ${tag ?? ""} with a model-states file here`,
    });
  return judgedDirectoryReport(report, { complete: verdict.complete, reason: verdict.complete_reason });
}
