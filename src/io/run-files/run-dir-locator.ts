import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { saveDirOfMember } from "../../core/discovery/checkpoint-member-names.ts";
import { ownConfigCandidatePaths, sharedConfigCandidatePaths } from "../../core/runs/hydra-config.ts";
import { existsInDirectory, statOrUndefined } from "../fs/fs-memo.ts";
import { fsPath } from "../fs/fs-path.ts";
import {
  ancestorsOf,
  eventFilesIn,
  frameworkDirs,
  isHfCheckpointDir,
  LayoutFs,
  lightningLayout,
  lightningRoot,
} from "./run-dir-layout.ts";
import type { LocateRunOptions, RunFileLocations } from "./run-file-locations.ts";
import { chooseMlflowRun, chooseWandbRun, mlflowRunsOf, wandbDirOf } from "./run-trackers.ts";

/** Where a checkpoint is: its real directory, how far up to look, and whether it is an HF `checkpoint-N` dir. */
type CheckpointPlace = {
  readonly dir: string;
  readonly hf: boolean;
  readonly maxLevels: number;
  readonly scanRoot: string | undefined;
};

function placeOf(options: LocateRunOptions, fs: LayoutFs) {
  const checkpointPath = resolve(options.checkpointPath);
  const scanRoot = options.scanRoot === undefined ? undefined : resolve(options.scanRoot);
  const isDirectory =
    options.checkpointIsDirectory ?? statOrUndefined(null, checkpointPath)?.isDirectory() ?? false;
  const place: CheckpointPlace = {
    dir: dirname(saveDirOfMember(checkpointPath) ?? checkpointPath), // a save's member: from its save
    hf: isHfCheckpointDir(checkpointPath, isDirectory),
    maxLevels: options.maxLevels ?? 6,
    scanRoot,
  };
  return { checkpointPath, isDirectory, place, fs };
}

/**
 * What the run files of every checkpoint in one directory share: the ancestors, the Lightning/Hydra layout, the
 * timm/Ultralytics/HF dirs, the run dir, its event files, the W&B dir and the MLflow runs. Once per directory per
 * scan (100 checkpoints of a run located them 100 times, a tenth of a cold scan).
 */
function directoryLook(fs: LayoutFs, place: CheckpointPlace) {
  const key = `run-look:${place.hf ? 1 : 0}:${place.maxLevels}:${place.scanRoot ?? ""}:${place.dir}`;
  return fs.derived(key, () => {
    const levels = ancestorsOf(place.dir, place.maxLevels, place.scanRoot);
    const lightning = lightningLayout(fs, levels);
    const dirs = frameworkDirs(fs, place);
    const runDir = dirs.timm ?? dirs.ultralytics ?? dirs.hf ?? lightning.root;
    const eventFiles = [
      ...lightning.logDirs.flatMap((found) => found.eventFiles),
      ...(dirs.hf ? eventFilesIn(fs, join(dirs.hf, "runs"), 1) : []),
      ...(dirs.ultralytics ? eventFilesIn(fs, dirs.ultralytics, 0) : []),
    ];
    return {
      levels,
      lightning,
      dirs,
      runDirFiles: runDirFiles(fs, dirs),
      runDir,
      eventFiles: [...new Set(eventFiles)],
      wandb: wandbDirOf(fs, [runDir, ...levels.filter((level) => level !== runDir)]),
      mlflow: mlflowRunsOf(fs, levels),
    };
  });
}

/** timm / Ultralytics entries of the result: the same for every checkpoint of a directory. */
function runDirFiles(fs: LayoutFs, dirs: ReturnType<typeof frameworkDirs>) {
  const { timm, ultralytics } = dirs;
  return {
    timm: timm
      ? { summaryCsv: fs.fileIn(timm, "summary.csv"), argsYaml: fs.fileIn(timm, "args.yaml") }
      : null,
    ultralytics: ultralytics
      ? { resultsCsv: fs.fileIn(ultralytics, "results.csv"), argsYaml: fs.fileIn(ultralytics, "args.yaml") }
      : null,
  };
}

/** timm / Ultralytics / HF entries of the result (HF's are the checkpoint's own). */
function frameworkFiles(fs: LayoutFs, checkpointPath: string, look: ReturnType<typeof directoryLook>) {
  const { hf } = look.dirs;
  return {
    ...look.runDirFiles,
    hf: hf
      ? {
          outputDir: hf,
          trainerState: fs.fileOnce(checkpointPath, "trainer_state.json"),
          configJson: fs.fileOnce(checkpointPath, "config.json"),
        }
      : null,
  };
}

/** `<stem>.config.yaml` beside the checkpoint is its own; `config.yaml` of a run level is shared. */
function configExists(fs: LayoutFs, path: string): boolean {
  return path.endsWith("/config.yaml")
    ? statOrUndefined(fs.memo, path) !== undefined
    : existsInDirectory(fs.memo, path);
}

/**
 * Finds the run directory of a checkpoint and the run files around it (no parsing): Hydra `.hydra/`, Lightning
 * logger dirs, timm/Ultralytics/HF output dirs, TensorBoard event files, the W&B and MLflow runs, and config files.
 * Walks at most `maxLevels` directories up and never above `scanRoot`.
 */
export function locateRunFiles(options: LocateRunOptions): RunFileLocations {
  const { checkpointPath, isDirectory, place, fs } = placeOf(options, new LayoutFs(options.memo ?? null));
  const look = directoryLook(fs, place);
  const mtimeMs = options.checkpointMtimeMs ?? statSync(fsPath(checkpointPath)).mtimeMs;
  const candidates = {
    checkpointPath,
    isDirectory,
    maxLevels: place.maxLevels,
    ...(place.scanRoot ? { stopAt: place.scanRoot } : {}),
  };
  // `configCandidatePaths` in two: the checkpoint's own two, and its directory's and above, the same for every
  // checkpoint there (looked for once per directory).
  const shared = fs.derived(
    `run-configs:${place.maxLevels}:${place.scanRoot ?? ""}:${dirname(checkpointPath)}`,
    () => sharedConfigCandidatePaths(candidates).filter((path) => configExists(fs, path)),
  );
  return {
    checkpointPath,
    runDir: look.runDir,
    hydraDir: look.lightning.hydraDir,
    hydra: look.lightning.hydra,
    lightningLogDirs: look.lightning.logDirs,
    ...frameworkFiles(fs, checkpointPath, look),
    eventFiles: look.eventFiles,
    wandb: chooseWandbRun(look.wandb, mtimeMs),
    mlflow: chooseMlflowRun(look.mlflow, { path: checkpointPath, runDir: look.runDir }),
    configFiles: [...ownConfigCandidatePaths(candidates).filter((path) => configExists(fs, path)), ...shared],
  };
}

/**
 * Only `runDir` of `locateRunFiles` (the catalog's run of a checkpoint read from its sidecar): the same answer,
 * without looking for the run files.
 */
export function locateRunDir(options: LocateRunOptions): string {
  const { place, fs } = placeOf(options, new LayoutFs(options.memo ?? null));
  const levels = ancestorsOf(place.dir, place.maxLevels, place.scanRoot);
  const dirs = frameworkDirs(fs, place);
  return dirs.timm ?? dirs.ultralytics ?? dirs.hf ?? lightningRoot(fs, levels).root;
}
