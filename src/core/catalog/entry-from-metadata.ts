import { saveDirOfMember } from "../discovery/checkpoint-member-names.ts";
import { DEFAULT_SOURCE } from "../metadata/assembly-notes.ts";
import type { CheckpointMetadataV1, PrimaryMetric } from "../metadata/metadata-schema.ts";
import { canonicalMetricName } from "../metrics/metric-aliases.ts";
import type { CatalogEntry, EntryStatus, FileFacts, SidecarState } from "./catalog-entry.ts";
import { metricValueOf } from "./metric-value.ts";

const RUN_SUBDIRECTORIES = new Set(["checkpoints", "weights", "ckpt", "ckpts", "models"]);

const parentOf = (path: string): string => path.slice(0, Math.max(path.lastIndexOf("/"), 0)) || "/";

/**
 * The run directory a checkpoint belongs to when nothing better is known: its directory, or the one above when
 * that directory is a conventional `checkpoints/`/`weights/` folder (Lightning, Ultralytics). A member file of one
 * save (DeepSpeed tag, Megatron `iter_0001200/`) belongs to the save's run (saveDirOfMember). Directories named
 * `name=value` are part of a Lightning file name whose metric had a `/` (`epoch=2-step=24-val/hmean=0.84.ckpt`).
 * @example guessRunDir("/r/exp1/checkpoints/epoch=3.ckpt") // "/r/exp1"
 */
export function guessRunDir(checkpointPath: string): string {
  let parent = parentOf(saveDirOfMember(checkpointPath) ?? checkpointPath);
  while (parent !== "/" && parent.slice(parent.lastIndexOf("/") + 1).includes("=")) parent = parentOf(parent);
  const name = parent.slice(parent.lastIndexOf("/") + 1);
  if (!RUN_SUBDIRECTORIES.has(name)) return parent;
  return parent.slice(0, Math.max(parent.lastIndexOf("/"), 0)) || "/";
}

export type EntryFromMetadataOptions = {
  readonly file: FileFacts;
  readonly metadata: CheckpointMetadataV1 | null;
  readonly status: EntryStatus;
  readonly sidecar: SidecarState;
  /** @default guessRunDir(file.path) */
  readonly runDir?: string | null;
  /** @default null */
  readonly problem?: string | null;
  readonly indexedAt: number;
};

function known(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === "" || value === "unknown" ? null : value;
}

/**
 * A position the sidecar holds only because the V1 schema needs one (source `default`), or Ultralytics' −1 for
 * final weights whose epoch no run file told: not a position, so the entry shows none.
 */
function knownPosition(metadata: CheckpointMetadataV1 | null, field: "epoch" | "global_step"): number | null {
  if (metadata === null) return null;
  const value = metadata.training[field];
  if (metadata.ckpt?.sources?.[`training.${field}`] === DEFAULT_SOURCE) return null;
  return field === "epoch" && value < 0 ? null : value;
}

/** A catalog row from what the sidecar or the assembler produced; without metadata only file facts are set. */
export function entryFromMetadata(options: EntryFromMetadataOptions): CatalogEntry {
  const { file, metadata } = options;
  const ckpt = metadata?.ckpt;
  // The file facts by name: walk records carry more (symlink, link count) that is not the entry's.
  const { path, kind, dev, ino, size, mtime_ms, alias_of } = file;
  return {
    path,
    kind,
    dev,
    ino,
    size,
    mtime_ms,
    alias_of,
    status: ckpt?.safety?.status === "unsafe" && options.status === "ok" ? "unsafe" : options.status,
    run_dir: options.runDir === undefined ? guessRunDir(file.path) : options.runDir,
    exp_name: known(metadata?.exp_name),
    task: known(ckpt?.task),
    framework: known(ckpt?.framework),
    architecture: known(metadata?.model.architecture),
    encoder: known(metadata?.model.encoder.model_name),
    epoch: knownPosition(metadata, "epoch"),
    global_step: knownPosition(metadata, "global_step"),
    created_at: metadata?.created_at ?? null,
    primary_metric: metadata === null ? null : primaryOf(metadata),
    metrics: metadata?.metrics ?? null,
    sidecar: options.sidecar,
    safety: ckpt?.safety?.status ?? null,
    problem: options.problem ?? null,
    indexed_at: options.indexedAt,
  };
}

/**
 * The metric that ranks the entry: the sidecar's `ckpt.primary_metric`. Ultralytics sidecars written before ckpt
 * ranked by fitness still hold it in `additional_metrics` (8.1+ `train_metrics`), so they rank by it too; without
 * it (8.0 runs) they keep their old primary until their sidecar is rewritten.
 */
function primaryOf(metadata: CheckpointMetadataV1): PrimaryMetric | null {
  const primary = metadata.ckpt?.primary_metric;
  if (primary === undefined) return legacyPrimaryMetric(metadata);
  const fitness = metadata.metrics.additional_metrics?.["fitness"];
  const isOldUltralytics = metadata.ckpt?.framework === "ultralytics" && primary.name !== "fitness";
  return isOldUltralytics && typeof fitness === "number"
    ? { name: "fitness", value: fitness, higher_is_better: true }
    : primary;
}

/**
 * Sidecars written by the Python callback have no `ckpt:` block: the checkpoint callback's monitor and mode say
 * which metric picks the best, and the legacy schema's hmean stands in when the monitor was not recorded.
 */
export function legacyPrimaryMetric(metadata: CheckpointMetadataV1): PrimaryMetric | null {
  const { monitor, mode } = metadata.checkpointing;
  const canonical = monitor === "" || monitor === "unknown" ? null : canonicalMetricName(monitor).canonical;
  if (canonical !== null) {
    return {
      name: canonical,
      value: metricValueOf(metadata.metrics, canonical),
      higher_is_better: mode === "max",
    };
  }
  const hmean = metadata.metrics.hmean;
  return hmean === undefined || hmean === null
    ? null
    : { name: "hmean", value: hmean, higher_is_better: true };
}
