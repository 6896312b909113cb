import { countingSource } from "../bytes/byte-source.ts";
import { deepSpeedTags } from "../formats/distributed/deepspeed-layout.ts";
import { type DirectoryView, inspectHfCheckpointDir } from "../formats/hf-checkpoint-dir.ts";
import { inspectLightningShardedDir } from "../formats/lightning-sharded-dir.ts";
import type { TorchPickleRead } from "../formats/torch-pickle-result.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import { recognizeLightning } from "../frameworks/lightning.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { deepSpeedReport } from "./deepspeed-report.ts";
import { readTorchFile } from "./directory-files.ts";
import { judgedDirectoryReport, verdictOfCompleteness } from "./directory-verdict.ts";
import { hfReport } from "./hf-report.ts";
import { isPeftAdapterDir, peftFacts } from "./peft-report.ts";
import { emptyReport, failedReport } from "./report-outcome.ts";
import { structuralDirReport } from "./structural-dir-report.ts";
import { frameworkInput, plainBudgetNotes, safetyOf } from "./torch-report.ts";

export type BuildDirectoryReportOptions = {
  readonly path: string;
  /** The directory's own name (`checkpoint-500`, `epoch=3-step=100.ckpt`). */
  readonly dirName?: string;
  readonly inflate?: InflateRaw;
  /**
   * Megatron's `latest_checkpointed_iteration.txt` of the parent, for an `iter_NNNNNNN` dir: its text, null when
   * absent, undefined when not looked for.
   */
  readonly megatronTracker?: string | null;
  /** The view is a DeepSpeed save dir and this tag of it is the checkpoint (`<save>/global_step6`). */
  readonly deepSpeedTag?: string;
};

/** A view whose sources count every byte read, plus the directory's total size. */
function countingView(view: DirectoryView): { view: DirectoryView; bytesRead: () => number } {
  const sources: Array<ReturnType<typeof countingSource>> = [];
  return {
    view: {
      names: () => view.names(),
      open: (name) => {
        const source = view.open(name);
        if (source === undefined) return undefined;
        const counted = countingSource(source);
        sources.push(counted);
        return counted;
      },
    },
    bytesRead: () => sources.reduce((total, source) => total + source.bytesRead(), 0),
  };
}

function directorySize(view: DirectoryView, under = ""): number {
  return view
    .names()
    .filter((name) => name.startsWith(under))
    .reduce((total, name) => total + (view.open(name)?.size ?? 0), 0);
}

/**
 * A directory checkpoint: Hugging Face `checkpoint-N/` (or `save_pretrained`), a Lightning sharded `.ckpt/`, or one
 * its files make a checkpoint (structural-dir-report.ts). Reads small JSON files and pickles, never weight payloads.
 */
export function buildDirectoryReport(
  view: DirectoryView,
  options: BuildDirectoryReportOptions,
): CheckpointReport {
  const counted = countingView(view);
  let report: CheckpointReport;
  try {
    report = directoryReport(counted.view, options);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    report = failedReport(emptyReport({ path: options.path, container: "unknown", size: 0 }), {
      status: "corrupt",
      code: "internal",
      message: `the reader failed unexpectedly (${detail}); please report this with the directory`,
    });
  }
  return { ...report, bytes_read: counted.bytesRead() };
}

function directoryReport(view: DirectoryView, options: BuildDirectoryReportOptions): CheckpointReport {
  const { path, inflate } = options;
  if (options.deepSpeedTag !== undefined) {
    const size = directorySize(view, `${options.deepSpeedTag}/`);
    const base = emptyReport({ path, container: "deepspeed-dir", size });
    return deepSpeedReport(view, { base, tag: options.deepSpeedTag, ...(inflate ? { inflate } : {}) });
  }
  const size = directorySize(view);
  const hf = inspectHfCheckpointDir(view, options.dirName === undefined ? {} : { dirName: options.dirName });
  if (hf !== undefined)
    return withNestedDeepSpeed(
      view,
      hfReport(view, { ...options, hf, base: emptyReport({ path, container: "hf-dir", size }) }),
      inflate,
    );
  const structural = structuralDirReport(view, {
    path,
    size,
    ...(options.dirName ? { dirName: options.dirName } : {}),
    ...(inflate ? { inflate } : {}),
    ...(options.megatronTracker === undefined ? {} : { megatronTracker: options.megatronTracker }),
  });
  if (structural !== undefined) return structural;
  return lightningShardedReport(view, options, size);
}

/** Lightning FSDP/ModelParallel `.ckpt/` (`meta.pt` + DCP files), else not a checkpoint dir ckpt knows. */
function lightningShardedReport(
  view: DirectoryView,
  options: BuildDirectoryReportOptions,
  size: number,
): CheckpointReport {
  const base = emptyReport({ path: options.path, container: "lightning-sharded-dir", size });
  const sharded = inspectLightningShardedDir(view);
  if (sharded === undefined)
    return failedReport(
      { ...base, container: "unknown" },
      {
        status: "not-a-checkpoint",
        code: "not-a-checkpoint-dir",
        message:
          "a directory that holds no checkpoint ckpt knows: a Hugging Face checkpoint-N/ (trainer_state.json, config.json + weights), a Lightning sharded .ckpt/, a DeepSpeed save dir or tag (latest, mp_rank_00_model_states.pt), a torch DCP dir (.metadata, *.distcp), a Megatron iter_N/, an Orbax step, an Accelerate save_state or PEFT adapter dir; pass a checkpoint file or such a directory",
      },
    );
  const report: CheckpointReport = {
    ...base,
    sharded: {
      kind: sharded.kind,
      metadata_file: sharded.metadataFile ?? null,
      shard_files: [...sharded.shardFiles],
      completeness: sharded.completeness.reason,
    },
  };
  const read = sharded.metadataFile
    ? readTorchFile(view, { name: sharded.metadataFile, inflate: options.inflate })
    : undefined;
  const withFacts = read ? { ...report, ...shardedFacts(read) } : report;
  return judgedDirectoryReport(withFacts, verdictOfCompleteness(sharded.completeness));
}

/** HF `checkpoint-N/` of a PEFT run holds the adapter (its facts added); one written with DeepSpeed holds a save dir (`global_stepN/`, `latest`): one checkpoint, its facts added. */
function withNestedDeepSpeed(
  view: DirectoryView,
  report: CheckpointReport,
  inflate?: InflateRaw,
): CheckpointReport {
  const top = view.names().filter((name) => !name.includes("/"));
  const peft = isPeftAdapterDir(top) ? peftFacts(view, top) : undefined;
  if (typeof peft === "object") report = { ...report, peft };
  if (deepSpeedTags(view.names()).length === 0) return report;
  const nested = deepSpeedReport(view, { base: report, ...(inflate ? { inflate } : {}) });
  const withFacts: CheckpointReport = {
    ...report,
    ...(nested.deepspeed ? { deepspeed: nested.deepspeed } : {}),
    ...(nested.warnings ? { warnings: [...(report.warnings ?? []), ...nested.warnings] } : {}),
  };
  if (nested.status !== "unsafe") return withFacts;
  return { ...withFacts, status: "unsafe", safety: nested.safety, error: nested.error };
}

function shardedFacts(read: TorchPickleRead): Partial<CheckpointReport> {
  const safety = safetyOf([read.scan], read);
  const facts: Partial<CheckpointReport> = { pickle_globals: [...read.scan.names], safety };
  if (read.value === undefined) return facts;
  const input = frameworkInput(read.value, read.readScalar);
  const recognition = recognizeLightning(input);
  if (recognition === undefined) return facts;
  const notes = plainBudgetNotes(input.budget, "the metadata pickle");
  return {
    ...facts,
    ...recognition.facts,
    framework: "lightning",
    framework_confidence: recognition.confidence,
    ...(notes.length > 0 ? { warnings: notes } : {}),
  };
}
