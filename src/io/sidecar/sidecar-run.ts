import { dirname } from "node:path";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import type { RunUpdate } from "../catalog/catalog-writes.ts";
import { type FsMemo, realCheckpointPath, realPathOf, remember } from "../fs/fs-memo.ts";
import { locateRunDir } from "../run-files/run-dir-locator.ts";
import type { RunContextCache } from "../run-files/run-file-reader.ts";
import { isWithin } from "../scan/walk-paths.ts";

/** How checkpoints read from sidecars get their run's curves: files parsed once, and which runs still need them. */
export type RunCurvesReading = {
  readonly cache: RunContextCache;
  /** False for a run whose curves this scan already read. */
  readonly wanted: (runDir: string) => boolean;
};

type SidecarRunOptions = {
  readonly scanRoot: string;
  readonly memo?: FsMemo;
  /** @default a fresh cache, always wanted */
  readonly runCurves?: RunCurvesReading;
};

/**
 * The checkpoint's real path, as the metadata pipeline reads it, and its root's real path when the checkpoint lies
 * under it (run files are searched no higher than the root; a checkpoint outside it has no such bound).
 */
function realUnderRoot(
  file: ScannedFile,
  options: SidecarRunOptions,
): { readonly path: string; readonly scanRoot: string | undefined } {
  const memo = options.memo ?? null;
  const path = realCheckpointPath(memo, file.path, file.symlink);
  const root = realPathOf(memo, options.scanRoot);
  return { path, scanRoot: isWithin(path, root) ? root : undefined };
}

/**
 * The run of a checkpoint read from its sidecar: the one the metadata pipeline would give it (the run-file
 * locator's run dir, from the real path as the pipeline does), so a sidecar never moves a checkpoint to another run.
 */
export function sidecarRunDir(file: ScannedFile, options: SidecarRunOptions): string {
  const memo = options.memo ?? null;
  const real = realUnderRoot(file, options);
  // For a checkpoint file the answer depends on its directory only (HF directories are named by themselves).
  const key = file.kind === "file" ? `sidecar-run-dir:${dirname(real.path)}\0${real.scanRoot ?? ""}` : null;
  const known = key === null ? undefined : memo?.derived.get(key);
  if (typeof known === "string") return known;
  const runDir = locateRunDir({
    checkpointPath: real.path,
    checkpointIsDirectory: file.kind !== "file",
    ...(real.scanRoot === undefined ? {} : { scanRoot: real.scanRoot }),
    ...(memo ? { memo } : {}),
  });
  if (key !== null) remember(memo?.derived, key, runDir);
  return runDir;
}

/**
 * The run's curves for a checkpoint read from its sidecar: its metadata needs no run files, but the catalog's
 * curves do, so they are read once per run (the reader's `wanted`), never per checkpoint.
 */
export async function sidecarRunPoints(
  file: ScannedFile,
  options: SidecarRunOptions & { readonly runDir: string },
): Promise<readonly MetricPoint[] | null> {
  const { runDir } = options;
  if (options.runCurves?.wanted(runDir) === false) return null;
  const { loadRunCurves } = await import("../run-files/run-context.ts");
  const { createRunContextCache } = await import("../run-files/run-file-reader.ts");
  const real = realUnderRoot(file, options);
  const curves = loadRunCurves({
    checkpointPath: real.path,
    checkpointIsDirectory: file.kind !== "file",
    checkpointMtimeMs: file.mtime_ms,
    ...(real.scanRoot === undefined ? {} : { scanRoot: real.scanRoot }),
    ...(options.memo ? { memo: options.memo } : {}),
    cache: options.runCurves?.cache ?? createRunContextCache(),
  });
  // Another run dir than the sidecar's run would put the points on the wrong run.
  return curves !== null && curves.runDir === runDir ? curves.points : null;
}

export function sidecarRun(
  metadata: CheckpointMetadataV1,
  dir: string,
  points: readonly MetricPoint[] | null,
): RunUpdate {
  return {
    run: {
      dir,
      exp_name: metadata.exp_name,
      task: metadata.ckpt?.task ?? null,
      config_path: metadata.hydra_config_path ?? null,
      wandb_run_id: metadata.wandb_run_id ?? null,
    },
    points,
  };
}
