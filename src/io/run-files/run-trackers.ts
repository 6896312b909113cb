import { basename, dirname, join } from "node:path";
import { parseWandbRunDirName } from "../../core/runs/wandb-run.ts";
import { mlflowMetaFields } from "./mlflow-meta.ts";
import type { LayoutFs } from "./run-dir-layout.ts";
import type { RunFileLocations } from "./run-file-locations.ts";

type WandbRun = { readonly runDir: string; readonly runId: string; readonly startMs: number };

/** The closest `wandb/` dir with runs (or a `latest-run`), from the levels given: the same for a whole directory. */
export type WandbDir = { readonly runs: readonly WandbRun[]; readonly latestRun: string | null } | null;

export function wandbDirOf(fs: LayoutFs, levels: readonly string[]): WandbDir {
  for (const level of levels) {
    for (const wandbDir of [join(level, "wandb"), join(level, ".wandb")]) {
      const runs = fs.listDir(wandbDir).flatMap((entry) => {
        const parsed = entry.isDir ? parseWandbRunDirName(entry.name) : undefined;
        if (parsed === undefined) return [];
        const { year, month, day, hour, minute, second } = parsed.start;
        const startMs = new Date(year, month - 1, day, hour, minute, second).getTime();
        return [{ runDir: join(wandbDir, entry.name), runId: parsed.runId, startMs }];
      });
      if (runs.length > 0) return { runs, latestRun: null };
      if (fs.isDir(join(wandbDir, "latest-run"))) return { runs, latestRun: join(wandbDir, "latest-run") };
    }
  }
  return null;
}

/** The newest W&B run of `dir` that started at or before `mtimeMs` (else the nearest). */
export function chooseWandbRun(dir: WandbDir, mtimeMs: number): RunFileLocations["wandb"] {
  if (dir === null) return null;
  if (dir.latestRun !== null) return { runDir: dir.latestRun, runId: null, candidates: 1 };
  // A checkpoint is written after its run started: prefer the latest start before it, else the nearest.
  const distance = (startMs: number) => (startMs <= mtimeMs ? mtimeMs - startMs : 1e15 + startMs - mtimeMs);
  const chosen = [...dir.runs].sort((left, right) => distance(left.startMs) - distance(right.startMs))[0];
  return chosen ? { runDir: chosen.runDir, runId: chosen.runId, candidates: dir.runs.length } : null;
}

type MlflowRun = {
  readonly run: string;
  readonly artifactUri: string | null;
  readonly runName: string | null;
};

/** The MLflow runs near a directory: the run holding it, else every run of the `mlruns/` at each level. */
export type MlflowRuns = { readonly containing: string | null; readonly runs: readonly MlflowRun[] };

export function mlflowRunsOf(fs: LayoutFs, levels: readonly string[]): MlflowRuns {
  for (const level of levels)
    if (fs.fileIn(level, "meta.yaml") && fs.fileIn(dirname(level), "meta.yaml"))
      return { containing: level, runs: [] };
  const runs = levels.flatMap((level) => {
    const mlruns = join(level, "mlruns");
    return fs
      .listDir(mlruns)
      .filter((experiment) => experiment.isDir && !experiment.name.startsWith("."))
      .flatMap((experiment) =>
        fs
          .listDir(join(mlruns, experiment.name))
          .filter((run) => run.isDir)
          .map((run) => join(mlruns, experiment.name, run.name)),
      )
      .filter((run) => fs.fileIn(run, "meta.yaml") !== null)
      .map((run) => ({ run, ...mlflowMetaFields(join(run, "meta.yaml")) }));
  });
  return { containing: null, runs };
}

/** The MLflow run holding the checkpoint, else one whose `artifact_uri` contains it or whose `run_name` is the run dir's. */
export function chooseMlflowRun(
  near: MlflowRuns,
  checkpoint: { readonly path: string; readonly runDir: string },
): RunFileLocations["mlflow"] {
  if (near.containing !== null)
    return {
      runDir: near.containing,
      experimentDir: dirname(near.containing),
      matchedBy: "contains-checkpoint",
    };
  for (const { run, artifactUri, runName } of near.runs) {
    if (artifactUri && checkpoint.path.startsWith(`${artifactUri}/`))
      return { runDir: run, experimentDir: dirname(run), matchedBy: "artifact-uri" };
    if (runName === basename(checkpoint.runDir))
      return { runDir: run, experimentDir: dirname(run), matchedBy: "run-name" };
  }
  return null;
}
