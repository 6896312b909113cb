import { assertNever } from "../../core/assert-never.ts";
import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import type { CatalogRun, EntryStatus, SidecarState } from "../../core/catalog/catalog-entry.ts";
import { entryFromMetadata, guessRunDir } from "../../core/catalog/entry-from-metadata.ts";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import type { ObjectVersion } from "../catalog/catalog-object-versions.ts";
import type { StoredEntry } from "../catalog/catalog-rows.ts";
import type { RunUpdate } from "../catalog/catalog-writes.ts";
import type { FoundOnDisk } from "../checkpoint/checkpoint-metadata-pipeline.ts";
import type { FsMemo } from "../fs/fs-memo.ts";
import type { RunCurvesReading } from "../sidecar/sidecar-run.ts";
import type { SidecarWriteError } from "../sidecar/sidecar-store.ts";
import { type SidecarOverwrite, sidecarWriteVerdict } from "../sidecar/sidecar-write-policy.ts";
import type { CheckpointLocation, ObjectLocation } from "./checkpoint-location.ts";
import { type CheckpointPlace, OFF, type SidecarLook } from "./checkpoint-place.ts";
import { filePlace } from "./file-checkpoint-place.ts";

/** What assembling a checkpoint from its bytes and run files produced (the metadata pipeline, adapted). */
export type AssembledCheckpoint = {
  readonly status: EntryStatus;
  readonly metadata: CheckpointMetadataV1 | null;
  /** Why there is no metadata, naming the file. */
  readonly problem: string | null;
  readonly run: {
    readonly dir: string;
    readonly expName: string | null;
    readonly task: string | null;
    readonly points: readonly MetricPoint[];
  } | null;
};

export type AssembleCheckpoint = (
  path: string,
  options: {
    readonly scanRoot: string;
    readonly now: () => number;
    readonly memo?: FsMemo;
    /** The walk's facts of the checkpoint, so the pipeline does not stat it again. */
    readonly found?: FoundOnDisk;
  },
) => AssembledCheckpoint | Promise<AssembledCheckpoint>;

export type ReadEntryOptions = {
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  /** How a local checkpoint without a usable sidecar is read. @default assembleUnavailable */
  readonly assemble?: AssembleCheckpoint;
  /** How checkpoints in an object store are reached (the ranged-GET reader); required for object locations. */
  readonly objects?: CheckpointPlace<ObjectLocation>;
  /** Stats and listings shared by the reads of one scan. */
  readonly memo?: FsMemo;
  /**
   * How a checkpoint read from its sidecar gets its run's curves: parsed files shared by the reads of a scan, and
   * whether this run still needs them (a scan loads each run's once). @default a fresh cache, always
   */
  readonly runCurves?: RunCurvesReading;
  /**
   * The run's files changed while the checkpoint did not (run reassembly): a sidecar ckpt wrote no longer
   * describes it and is rebuilt; anyone else's current sidecar is still followed. @default false
   */
  readonly runFilesChanged?: boolean;
  /** The rebuilt metadata says nothing the catalog does not already hold: its sidecar is left as it is. */
  readonly alreadyKnown?: (metadata: CheckpointMetadataV1) => boolean;
  /** Which existing sidecars may be replaced (`sidecarWriteVerdict`). @default "ours" (convert: never / any) */
  readonly overwrite?: SidecarOverwrite;
  /** Read the checkpoint even when its sidecar is valid and current (`convert --force`). @default false */
  readonly ignoreSidecar?: boolean;
};

export type ReadOutcome = {
  readonly entry: StoredEntry;
  readonly run: RunUpdate | null;
  /** The sidecar this read wrote, if any. */
  readonly wrote: string | null;
  /** A sidecar that could not be written or read, with why; the entry is still catalogued. */
  readonly warning: string | null;
  /** The sidecar write that failed, as the writer reported it (convert reports it as is). */
  readonly sidecarError: SidecarWriteError | null;
  /** An object's version this row describes (ETag, last-modified), recorded with it; null for a local file. */
  readonly version: ObjectVersion | null;
};

function runUpdateOf(
  assembled: AssembledCheckpoint,
  metadata: CheckpointMetadataV1 | null,
): RunUpdate | null {
  const run = assembled.run;
  if (run === null) return null;
  const catalogRun: CatalogRun = {
    dir: run.dir,
    exp_name: run.expName ?? metadata?.exp_name ?? null,
    task: run.task,
    config_path: metadata?.hydra_config_path ?? null,
    wandb_run_id: metadata?.wandb_run_id ?? null,
  };
  // A checkpoint that cannot be read names neither its run nor its task: it brings only the run's curves.
  return { run: catalogRun, points: run.points, describesRun: run.expName !== null || run.task !== null };
}

function versionOf(location: CheckpointLocation): ObjectVersion | null {
  if (location.kind === "file") return null;
  const { etag, lastModified } = location.identity;
  return { path: location.file.path, etag, lastModified };
}

type Context<L extends CheckpointLocation> = {
  readonly place: CheckpointPlace<L>;
  readonly options: ReadEntryOptions;
  readonly indexedAt: number;
};

/** The entry of a checkpoint whose sidecar is valid and current: no need to open the checkpoint. */
async function fromSidecar<L extends CheckpointLocation>(
  location: L,
  metadata: CheckpointMetadataV1,
  context: Context<L>,
): Promise<ReadOutcome> {
  const { file } = location;
  const { runDir, run } = await context.place.sidecarRun(location, metadata);
  const entry = entryFromMetadata({
    file,
    metadata,
    status: "ok",
    sidecar: "valid",
    runDir: runDir ?? guessRunDir(file.path),
    indexedAt: context.indexedAt,
  });
  return {
    entry: { ...entry, sidecar_present: file.sidecar_present, metadata },
    run,
    wrote: null,
    warning: null,
    sidecarError: null,
    version: versionOf(location),
  };
}

type Rewritten = {
  readonly state: SidecarState;
  readonly wrote: string | null;
  readonly warning: string | null;
  readonly error: SidecarWriteError | null;
};

/** The sidecar of a rebuilt checkpoint, (re)written as the one rule says: its state after, what was written, why not. */
async function rewriteSidecar<L extends CheckpointLocation>(
  location: L,
  metadata: CheckpointMetadataV1,
  context: Context<L> & { readonly look: Extract<SidecarLook, { kind: "rebuild" }> },
): Promise<Rewritten | null> {
  const { look, options } = context;
  if (options.alreadyKnown?.(metadata) === true) return null;
  const verdict = sidecarWriteVerdict({
    mode: options.sidecars,
    onDisk: look.onDisk,
    overwrite: options.overwrite ?? "ours",
  });
  if (verdict.kind === "keep") return null;
  const written = await context.place.writeSidecar(location, metadata, verdict.force);
  if (written.success)
    return { state: "valid", wrote: written.data.path, warning: look.warning, error: null };
  const { error } = written;
  const warning =
    error.code === "refused" ? `${error.message}; the catalog keeps its metadata` : error.message;
  return { state: look.state, wrote: null, warning, error };
}

/** The sidecar as `readOne` takes it: a valid current one is used, unless the caller reads the checkpoint anyway. */
async function lookFor<L extends CheckpointLocation>(location: L, context: Context<L>): Promise<SidecarLook> {
  if (context.options.sidecars === "off") return OFF;
  const look = await context.place.look(location);
  if (look.kind === "rebuild" || context.options.ignoreSidecar !== true) return look;
  const onDisk = isWrittenByCkpt(look.metadata) ? "ours" : "theirs";
  return { kind: "rebuild", state: "valid", onDisk, warning: null };
}

async function indexAt<L extends CheckpointLocation>(found: L, context: Context<L>): Promise<ReadOutcome> {
  const look = await lookFor(found, context);
  if (look.kind === "use") return fromSidecar(found, look.metadata, context);
  const { assembled, location } = await context.place.assemble(found);
  const { file } = location;
  const metadata = assembled.metadata;
  const rebuilt = metadata === null ? null : await rewriteSidecar(location, metadata, { ...context, look });
  const wrote = rebuilt?.wrote ?? null;
  const entry = entryFromMetadata({
    file,
    metadata,
    status: assembled.status,
    sidecar: rebuilt?.state ?? look.state,
    runDir: assembled.run?.dir ?? guessRunDir(file.path),
    problem: assembled.problem,
    indexedAt: context.indexedAt,
  });
  return {
    entry: { ...entry, sidecar_present: wrote === null ? file.sidecar_present : true, metadata },
    run: runUpdateOf(assembled, metadata),
    wrote,
    warning: rebuilt === null ? look.warning : rebuilt.warning,
    sidecarError: rebuilt?.error ?? null,
    version: versionOf(location),
  };
}

/**
 * Indexing one checkpoint, wherever it is: the only path from a checkpoint to its catalog row (the scan's read
 * workers, the daemon, run reassembly, convert, the S3 scan). From a valid, current sidecar when there is one
 * (fast), else from the checkpoint (and its run files), the sidecar then (re)written as `sidecarWriteVerdict` says.
 * `storeIndexed` is the writer's half.
 */
export async function readOne(location: CheckpointLocation, options: ReadEntryOptions): Promise<ReadOutcome> {
  const indexedAt = options.now();
  switch (location.kind) {
    case "file":
      return indexAt(location, {
        place: filePlace({ ...options, assemble: options.assemble ?? assembleUnavailable }),
        options,
        indexedAt,
      });
    case "object": {
      if (options.objects === undefined)
        throw new Error(
          `${location.file.path}: readOne was given no object-store reader; this is a bug in ckpt`,
        );
      return indexAt(location, { place: options.objects, options, indexedAt });
    }
    default:
      return assertNever(location);
  }
}

/** Until the metadata pipeline is available: the entry keeps its file facts and says why it has no metadata. */
export const assembleUnavailable: AssembleCheckpoint = (path) => ({
  status: "unread",
  metadata: null,
  problem: `${path}: no valid sidecar, and this build of ckpt cannot read checkpoints yet; run 'ckpt convert' or write the sidecar`,
  run: null,
});
