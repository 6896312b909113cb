import { type StructuralDirKind, structuralDirKind } from "../discovery/checkpoint-dir-structure.ts";
import { deepSpeedTags } from "../formats/distributed/deepspeed-layout.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import { accelerateReport } from "./accelerate-report.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { dcpReport } from "./dcp-report.ts";
import { deepSpeedReport } from "./deepspeed-report.ts";
import { megatronCommit, megatronReport } from "./megatron-report.ts";
import { orbaxReport } from "./orbax-report.ts";
import { peftReport } from "./peft-report.ts";
import { emptyReport, failedReport } from "./report-outcome.ts";
import { tfCheckpointReport } from "./tf-checkpoint-report.ts";

/** What every structural reader gets: the directory's path, size and name, and the io-side extras. */
export type StructuralContext = {
  readonly path: string;
  readonly size: number;
  readonly dirName?: string;
  readonly inflate?: InflateRaw;
  /** Megatron's tracker beside an `iter_N` dir (see directory-report.ts). */
  readonly megatronTracker?: string | null;
};

type Reader = (view: DirectoryView, context: StructuralContext, top: readonly string[]) => CheckpointReport;

const named = (context: StructuralContext) => ({
  ...(context.dirName ? { dirName: context.dirName } : {}),
  ...(context.inflate ? { inflate: context.inflate } : {}),
});
const base = (context: StructuralContext, container: CheckpointReport["container"]) =>
  emptyReport({ path: context.path, container, size: context.size });

/** A DeepSpeed save dir (`latest` + `<tag>/…`, also Lightning's `x.ckpt/`), before what its tags could look like. */
const readDeepSpeedSaveDir: Reader = (view, context) => {
  const lightning = context.dirName?.endsWith(".ckpt") === true;
  const container = lightning ? "lightning-sharded-dir" : "deepspeed-dir";
  return deepSpeedReport(view, { base: base(context, container), ...named(context) });
};

/**
 * The reader of each kind discovery knows (discovery/checkpoint-dir-structure.ts). Undefined: read elsewhere — a
 * DeepSpeed tag with its save dir (io/checkpoint/read-checkpoint.ts), Lightning's sharded `.ckpt/` and a sharded
 * `save_pretrained` dir by directory-report.ts.
 */
const READERS: { readonly [kind in StructuralDirKind]: Reader | undefined } = {
  megatron: (view, context) =>
    megatronReport(view, {
      base: base(context, "megatron-dir"),
      ...named(context),
      ...(context.megatronTracker === undefined ? {} : { tracker: context.megatronTracker }),
    }),
  dcp: (view, context, top) =>
    withMegatronCommit(dcpReport(view, { base: base(context, "dcp-dir"), ...named(context) }), context, top),
  orbax: (view, context) =>
    orbaxReport(view, {
      base: base(context, "orbax-dir"),
      ...(context.dirName ? { dirName: context.dirName } : {}),
    }),
  tf: (view, context) => tfCheckpointReport(view, { base: base(context, "tf-checkpoint-dir") }),
  accelerate: (view, context) =>
    accelerateReport(view, { base: base(context, "accelerate-dir"), ...named(context) }),
  peft: (view, context) => peftReport(view, { base: base(context, "peft-adapter-dir") }),
  "lightning-sharded": undefined,
  "deepspeed-tag": undefined,
  "hf-sharded": undefined,
};

/** The report of a directory its files make a checkpoint; undefined when none of these formats claims it. */
export function structuralDirReport(
  view: DirectoryView,
  context: StructuralContext,
): CheckpointReport | undefined {
  const all = view.names();
  if (deepSpeedTags(all).length > 0) return readDeepSpeedSaveDir(view, context, []);
  const top = all.filter((name) => !name.includes("/"));
  // The view lists files only: a sub-dir is the first segment of its files (`mp_rank_00/model_optim_rng.pt`).
  const entries = [...new Set(all.map((name) => name.split("/")[0] ?? ""))];
  const kind = structuralDirKind(entries);
  return kind === null ? undefined : READERS[kind]?.(view, context, top);
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
