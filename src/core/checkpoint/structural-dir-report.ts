import { deepSpeedTags } from "../formats/distributed/deepspeed-layout.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import { accelerateReport, isAccelerateStateDir } from "./accelerate-report.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { dcpReport, isDcpDirectory } from "./dcp-report.ts";
import { deepSpeedReport } from "./deepspeed-report.ts";
import { isMegatronIterationDir, megatronCommit, megatronReport } from "./megatron-report.ts";
import { isOrbaxStepDir, orbaxReport } from "./orbax-report.ts";
import { isPeftAdapterDir, peftReport } from "./peft-report.ts";
import { emptyReport, failedReport } from "./report-outcome.ts";
import { isTfCheckpointDir, tfCheckpointReport } from "./tf-checkpoint-report.ts";

/** What every structural reader gets: the directory's path, size and name, and the io-side extras. */
export type StructuralContext = {
  readonly path: string;
  readonly size: number;
  readonly dirName?: string;
  readonly inflate?: InflateRaw;
  /** Megatron's tracker beside an `iter_N` dir (see directory-report.ts). */
  readonly megatronTracker?: string | null;
};

type Reader = {
  /** Whether the directory's files make it this kind (`top`: its own file names; `firsts`: first path segments). */
  readonly is: (top: readonly string[], firsts: readonly string[], all: readonly string[]) => boolean;
  readonly read: (
    view: DirectoryView,
    context: StructuralContext,
    top: readonly string[],
  ) => CheckpointReport;
};

const named = (context: StructuralContext) => ({
  ...(context.dirName ? { dirName: context.dirName } : {}),
  ...(context.inflate ? { inflate: context.inflate } : {}),
});
const base = (context: StructuralContext, container: CheckpointReport["container"]) =>
  emptyReport({ path: context.path, container, size: context.size });

/** In order: a DeepSpeed save dir (also Lightning's `x.ckpt/`) before the formats its tags could look like. */
const READERS: readonly Reader[] = [
  {
    is: (_top, _firsts, all) => deepSpeedTags(all).length > 0,
    read: (view, context) => {
      const lightning = context.dirName?.endsWith(".ckpt") === true;
      const container = lightning ? "lightning-sharded-dir" : "deepspeed-dir";
      return deepSpeedReport(view, { base: base(context, container), ...named(context) });
    },
  },
  {
    // The view lists files only: the rank dirs are the first segments of `mp_rank_00/model_optim_rng.pt`.
    is: (_top, firsts) => isMegatronIterationDir(firsts),
    read: (view, context) =>
      megatronReport(view, {
        base: base(context, "megatron-dir"),
        ...named(context),
        ...(context.megatronTracker === undefined ? {} : { tracker: context.megatronTracker }),
      }),
  },
  {
    is: (top) => isDcpDirectory(top) && !top.includes("meta.pt"),
    read: (view, context, top) =>
      withMegatronCommit(
        dcpReport(view, { base: base(context, "dcp-dir"), ...named(context) }),
        context,
        top,
      ),
  },
  {
    is: (top) => isOrbaxStepDir(top),
    read: (view, context) =>
      orbaxReport(view, {
        base: base(context, "orbax-dir"),
        ...(context.dirName ? { dirName: context.dirName } : {}),
      }),
  },
  {
    is: (top) => isTfCheckpointDir(top),
    read: (view, context) => tfCheckpointReport(view, { base: base(context, "tf-checkpoint-dir") }),
  },
  {
    is: (top) => isAccelerateStateDir(top),
    read: (view, context) =>
      accelerateReport(view, { base: base(context, "accelerate-dir"), ...named(context) }),
  },
  {
    is: (top) => isPeftAdapterDir(top),
    read: (view, context) => peftReport(view, { base: base(context, "peft-adapter-dir") }),
  },
];

/** The report of a directory its files make a checkpoint; undefined when none of these formats claims it. */
export function structuralDirReport(
  view: DirectoryView,
  context: StructuralContext,
): CheckpointReport | undefined {
  const all = view.names();
  const top = all.filter((name) => !name.includes("/"));
  const firsts = all.map((name) => name.split("/")[0] ?? "");
  const reader = READERS.find((candidate) => candidate.is(top, firsts, all));
  return reader?.read(view, context, top);
}

/**
 * Megatron's `torch_dist` format is a DCP dir inside `iter_NNNNNNN/`: `metadata.json` is written after the shards
 * (beside `common.pt`), and the tracker after every rank, so either missing means the save is not finished.
 */
function withMegatronCommit(
  report: CheckpointReport,
  context: StructuralContext,
  top: readonly string[],
): CheckpointReport {
  if (report.status !== "ok") return report;
  const markerMissing = top.includes("common.pt") && !top.includes("metadata.json");
  const commit = megatronCommit(context.dirName, context.megatronTracker);
  const reason = markerMissing
    ? "metadata.json is absent: Megatron's dist-checkpoint writes it after the shards (save in progress or killed)"
    : commit?.committed === false
      ? commit.reason
      : undefined;
  if (reason === undefined) return report;
  return failedReport(report, { status: "incomplete", code: "directory-incomplete", message: reason });
}
