import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import type { CatalogRun, EntryStatus, SidecarState } from "../../core/catalog/catalog-entry.ts";
import { entryFromMetadata, guessRunDir } from "../../core/catalog/entry-from-metadata.ts";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { sidecarPathFor } from "../../core/metadata/sidecar-path.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import type { StoredEntry } from "../catalog/catalog-rows.ts";
import type { RunUpdate } from "../catalog/catalog-writes.ts";
import type { FsMemo } from "../fs/fs-memo.ts";
import { type PlacementOptions, sidecarLocation } from "../sidecar/sidecar-placement.ts";
import {
  type RunCurvesReading,
  sidecarRun,
  sidecarRunDir,
  sidecarRunPoints,
} from "../sidecar/sidecar-run.ts";
import { readSidecar, readSidecarText } from "../sidecar/sidecar-store.ts";
import { type SidecarOnDisk, writeSidecarByPolicy } from "../sidecar/sidecar-write-policy.ts";
import type { CheckpointLocation } from "./checkpoint-location.ts";

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
  options: { readonly scanRoot: string; readonly now: () => number; readonly memo?: FsMemo },
) => AssembledCheckpoint | Promise<AssembledCheckpoint>;

export type ReadEntryOptions = {
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  readonly assemble: AssembleCheckpoint;
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
};

export type ReadOutcome = {
  readonly entry: StoredEntry;
  readonly run: RunUpdate | null;
  /** The sidecar this read wrote, if any. */
  readonly wrote: string | null;
  /** A sidecar that could not be written or read, with why; the entry is still catalogued. */
  readonly warning: string | null;
};

/** A sidecar describes the file as it is now when its recorded size and mtime (to the second) still match. */
export function isSidecarCurrent(
  metadata: CheckpointMetadataV1,
  file: Pick<ScannedFile, "size" | "mtime_ms">,
): boolean {
  const recorded = metadata.ckpt?.file;
  if (recorded === undefined) return true;
  const mtime = Date.parse(recorded.mtime);
  return recorded.size === file.size && (Number.isNaN(mtime) || Math.abs(mtime - file.mtime_ms) < 1000);
}

type SidecarLook =
  | { readonly kind: "use"; readonly metadata: CheckpointMetadataV1 }
  | {
      readonly kind: "rebuild";
      readonly state: SidecarState;
      readonly onDisk: SidecarOnDisk;
      readonly warning: string | null;
    };

/**
 * Sidecars ckpt wrote use a fixed YAML subset, so Bun's native parser (about 40× faster than the PyYAML-compatible
 * one) reads them identically. Anything else, and anything that fails here, goes through `readSidecar`, which
 * keeps PyYAML's semantics and reports problems with line numbers.
 */
function readOwnSidecarFast(sidecar: string): CheckpointMetadataV1 | null {
  try {
    const text = readSidecarText(sidecar);
    if (!text.success) return null;
    const value: unknown = Bun.YAML.parse(text.data);
    if (typeof value !== "object" || value === null || !("ckpt" in value)) return null;
    // The schema alone decides validity (validateMetadata adds warnings only), so skip the warnings pass here.
    const checked = CheckpointMetadataV1.safeParse(value);
    return checked.success && isWrittenByCkpt(checked.data) ? checked.data : null;
  } catch {
    return null;
  }
}

const MISSING: SidecarLook = { kind: "rebuild", state: "missing", onDisk: "none", warning: null };
const STALE_OURS: SidecarLook = { kind: "rebuild", state: "stale", onDisk: "ours", warning: null };

function lookAtSidecar(
  sidecar: string,
  file: ScannedFile,
  options: Pick<ReadEntryOptions, "sidecars" | "runFilesChanged">,
): SidecarLook {
  if (options.sidecars === "off") return { kind: "rebuild", state: "off", onDisk: "none", warning: null };
  if (
    !file.sidecar_present &&
    sidecar === sidecarPathFor(file.path, { kind: file.kind === "file" ? "file" : "directory" })
  )
    return MISSING;
  const outdated = options.runFilesChanged === true;
  const fast = readOwnSidecarFast(sidecar);
  if (fast !== null)
    return isSidecarCurrent(fast, file) && !outdated ? { kind: "use", metadata: fast } : STALE_OURS;
  const read = readSidecar(sidecar);
  if (!read.success) {
    if (read.error.code === "not-found") return MISSING;
    return { kind: "rebuild", state: "invalid", onDisk: "theirs", warning: read.error.message };
  }
  const { valid, data } = read.data;
  if (!valid || data === undefined) {
    const first = read.data.problems.find((problem) => problem.severity === "error");
    const why = first === undefined ? "it does not validate" : `${first.path}: ${first.message}`;
    return {
      kind: "rebuild",
      state: "invalid",
      onDisk: "theirs",
      warning: `${sidecar}: ${why}; kept as is, the catalog uses the checkpoint instead`,
    };
  }
  const ours = isWrittenByCkpt(data);
  if (isSidecarCurrent(data, file) && !(outdated && ours)) return { kind: "use", metadata: data };
  return ours ? STALE_OURS : { kind: "rebuild", state: "stale", onDisk: "theirs", warning: null };
}

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

/** The entry of a checkpoint whose sidecar is valid and current: no need to open the checkpoint. */
async function fromSidecar(
  file: ScannedFile,
  metadata: CheckpointMetadataV1,
  options: ReadEntryOptions & { readonly scanRoot: string; readonly indexedAt: number },
): Promise<ReadOutcome> {
  const runDir = sidecarRunDir(file, options);
  const points = await sidecarRunPoints(file, { runDir, ...options });
  const entry = entryFromMetadata({
    file,
    metadata,
    status: "ok",
    sidecar: "valid",
    runDir,
    indexedAt: options.indexedAt,
  });
  return {
    entry: { ...entry, sidecar_present: file.sidecar_present, metadata },
    run: sidecarRun(metadata, runDir, points),
    wrote: null,
    warning: null,
  };
}

/** The sidecar of a rebuilt checkpoint, (re)written as the one rule says: its state after, what was written, why not. */
function rewriteSidecar(
  file: ScannedFile,
  metadata: CheckpointMetadataV1,
  context: ReadEntryOptions & {
    readonly placement: PlacementOptions;
    readonly look: Extract<SidecarLook, { kind: "rebuild" }>;
  },
): { readonly state: SidecarState; readonly wrote: string | null; readonly warning: string | null } | null {
  const { look } = context;
  if (context.alreadyKnown?.(metadata) === true) return null;
  const written = writeSidecarByPolicy(file, metadata, {
    ...context.placement,
    mode: context.sidecars,
    onDisk: look.onDisk,
    overwrite: "ours",
  });
  if (written === null) return null;
  if (written.success) return { state: "valid", wrote: written.data.path, warning: look.warning };
  const warning =
    written.error.code === "refused"
      ? `${written.error.message}; the catalog keeps its metadata`
      : written.error.message;
  return { state: look.state, wrote: null, warning };
}

/**
 * The reader's half of indexing one checkpoint, the only path from a checkpoint to its catalog row (the scan's
 * read workers, the daemon, run reassembly): from a valid, current sidecar when there is one (fast), else from the
 * checkpoint and its run files, the sidecar then (re)written as `sidecarWriteVerdict` says. `storeIndexed` is
 * the writer's half.
 */
export async function readOne(location: CheckpointLocation, given: ReadEntryOptions): Promise<ReadOutcome> {
  const { file } = location;
  const options = { ...given, scanRoot: location.root };
  const indexedAt = options.now();
  const placement = { scanRoot: options.scanRoot, memo: options.memo };
  const sidecar = sidecarLocation(file, placement);
  const look = lookAtSidecar(sidecar, file, options);
  if (look.kind === "use") return fromSidecar(file, look.metadata, { ...options, indexedAt });
  const assembled = await options.assemble(file.path, {
    scanRoot: options.scanRoot,
    now: options.now,
    ...(options.memo ? { memo: options.memo } : {}),
  });
  const metadata = assembled.metadata;
  const rebuilt = metadata === null ? null : rewriteSidecar(file, metadata, { ...options, placement, look });
  const state = rebuilt?.state ?? look.state;
  const wrote = rebuilt?.wrote ?? null;
  const warning = rebuilt === null ? look.warning : rebuilt.warning;
  const runDir = assembled.run?.dir ?? guessRunDir(file.path);
  const entry = entryFromMetadata({
    file,
    metadata,
    status: assembled.status,
    sidecar: state,
    runDir,
    problem: assembled.problem,
    indexedAt,
  });
  const sidecarPresent = wrote === null ? file.sidecar_present : true;
  return {
    entry: { ...entry, sidecar_present: sidecarPresent, metadata },
    run: runUpdateOf(assembled, metadata),
    wrote,
    warning,
  };
}

/** Until the metadata pipeline is available: the entry keeps its file facts and says why it has no metadata. */
export const assembleUnavailable: AssembleCheckpoint = (path) => ({
  status: "unread",
  metadata: null,
  problem: `${path}: no valid sidecar, and this build of ckpt cannot read checkpoints yet; run 'ckpt convert' or write the sidecar`,
  run: null,
});
