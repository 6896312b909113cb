import { type Stats, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { saveDirOfMember } from "../../core/discovery/checkpoint-dir-structure.ts";
import { configCandidatePaths } from "../../core/runs/hydra-config.ts";
import { parseWandbRunDirName } from "../../core/runs/wandb-run.ts";
import {
  existsInDirectory,
  type FsMemo,
  type ListedEntry,
  listDirectory,
  remember,
  statOrUndefined,
} from "../fs/fs-memo.ts";
import { fsPath } from "../fs/fs-path.ts";
import { mlflowMetaFields } from "./mlflow-meta.ts";
import type { LightningLogDir, LocateRunOptions, RunFileLocations } from "./run-file-locations.ts";

// Not logger dirs, and possibly large: never descended into when looking for `version_N`.
const SKIPPED_DIRS = new Set([".hydra", "wandb", ".wandb", "mlruns", "checkpoints", "weights", ".git"]);
const CHECKPOINT_FOLDERS = new Set(["checkpoints", "checkpoint"]); // torchtitan: `<dump>/checkpoint/step-N`
// The memo of the scan this call belongs to, set for the span of one synchronous `locateRunFiles`/`locateRunDir`.
let memo: FsMemo | null = null;

function statOf(path: string): Stats | undefined {
  return statOrUndefined(memo, path);
}

/** For paths of one checkpoint only (looked at once per scan): remembering them would only grow the memo. */
function statOnce(path: string): Stats | undefined {
  return statOrUndefined(null, path);
}

function fileOnce(dir: string, name: string): string | null {
  const path = join(dir, name);
  return statOnce(path)?.isFile() ? path : null;
}

function fileIn(dir: string, name: string): string | null {
  const path = join(dir, name);
  return statOf(path)?.isFile() ? path : null;
}

function listDir(dir: string): ListedEntry[] {
  return listDirectory(memo, dir);
}

function isDir(path: string): boolean {
  return statOf(path)?.isDirectory() ?? false;
}

function ancestorsOf(checkpointPath: string, maxLevels: number, scanRoot: string | undefined): string[] {
  const found = [dirname(saveDirOfMember(checkpointPath) ?? checkpointPath)]; // a save's member: from its save
  for (let current = found[0] ?? ""; found.length <= maxLevels && current !== scanRoot; ) {
    const parent = dirname(current);
    if (parent === current) break;
    found.push(parent);
    current = parent;
  }
  return found;
}

function eventFilesIn(dir: string, depth = 1): string[] {
  return listDir(dir).flatMap((entry) => {
    if (entry.isDir) return depth > 0 ? eventFilesIn(join(dir, entry.name), depth - 1) : [];
    return entry.name.startsWith("events.out.tfevents.") ? [join(dir, entry.name)] : [];
  });
}

function lightningLogDir(dir: string): LightningLogDir | null {
  const hparamsYaml = fileIn(dir, "hparams.yaml");
  const metricsCsv = fileIn(dir, "metrics.csv");
  const eventFiles = eventFilesIn(dir).sort();
  return hparamsYaml || metricsCsv || eventFiles.length > 0
    ? { dir, hparamsYaml, metricsCsv, eventFiles }
    : null;
}

/** A dir a Lightning logger wrote: `version_N`, or any dir with `hparams.yaml`/`metrics.csv` (string versions). */
function isLightningLogDir(dir: string): boolean {
  if (/^version_\d+$/.test(basename(dir))) return lightningLogDir(dir) !== null;
  return fileIn(dir, "hparams.yaml") !== null || fileIn(dir, "metrics.csv") !== null;
}

/** Logger dirs under `root` (depth ≤ 3, skipping checkpoint/tracker dirs), in path order. */
function lightningLogDirsUnder(root: string, depth = 3): LightningLogDir[] {
  return listDir(root)
    .filter((entry) => entry.isDir && !SKIPPED_DIRS.has(entry.name))
    .sort((left, right) => left.name.localeCompare(right.name, "en", { numeric: true }))
    .flatMap((entry) => {
      const dir = join(root, entry.name);
      const found = /^version_\d+$/.test(entry.name) ? lightningLogDir(dir) : null;
      return found ? [found] : depth > 1 ? lightningLogDirsUnder(dir, depth - 1) : [];
    });
}

/** The newest W&B run that started at or before `mtimeMs` (else the nearest), from the closest `wandb/` dir. */
function locateWandb(levels: readonly string[], mtimeMs: number): RunFileLocations["wandb"] {
  for (const level of levels) {
    for (const wandbDir of [join(level, "wandb"), join(level, ".wandb")]) {
      const runs = listDir(wandbDir).flatMap((entry) => {
        const parsed = entry.isDir ? parseWandbRunDirName(entry.name) : undefined;
        if (parsed === undefined) return [];
        const { year, month, day, hour, minute, second } = parsed.start;
        const startMs = new Date(year, month - 1, day, hour, minute, second).getTime();
        return [{ runDir: join(wandbDir, entry.name), runId: parsed.runId, startMs }];
      });
      // A checkpoint is written after its run started: prefer the latest start before it, else the nearest.
      const distance = (startMs: number) =>
        startMs <= mtimeMs ? mtimeMs - startMs : 1e15 + startMs - mtimeMs;
      const chosen = [...runs].sort((left, right) => distance(left.startMs) - distance(right.startMs))[0];
      if (chosen) return { runDir: chosen.runDir, runId: chosen.runId, candidates: runs.length };
      if (isDir(join(wandbDir, "latest-run")))
        return { runDir: join(wandbDir, "latest-run"), runId: null, candidates: 1 };
    }
  }
  return null;
}

/** The MLflow run holding the checkpoint, else one whose `artifact_uri` contains it or whose `run_name` is the run dir's. */
function locateMlflow(
  levels: readonly string[],
  checkpointPath: string,
  runDir: string,
): RunFileLocations["mlflow"] {
  for (const level of levels) {
    if (fileIn(level, "meta.yaml") && fileIn(dirname(level), "meta.yaml")) {
      return { runDir: level, experimentDir: dirname(level), matchedBy: "contains-checkpoint" };
    }
  }
  for (const level of levels) {
    const mlruns = join(level, "mlruns");
    const runs = listDir(mlruns)
      .filter((experiment) => experiment.isDir && !experiment.name.startsWith("."))
      .flatMap((experiment) =>
        listDir(join(mlruns, experiment.name))
          .filter((run) => run.isDir)
          .map((run) => join(mlruns, experiment.name, run.name)),
      )
      .filter((run) => fileIn(run, "meta.yaml") !== null);
    for (const run of runs) {
      const { artifactUri, runName } = mlflowMetaFields(join(run, "meta.yaml"));
      if (artifactUri && checkpointPath.startsWith(`${artifactUri}/`))
        return { runDir: run, experimentDir: dirname(run), matchedBy: "artifact-uri" };
      if (runName === basename(runDir))
        return { runDir: run, experimentDir: dirname(run), matchedBy: "run-name" };
    }
  }
  return null;
}

function frameworkDirs(checkpointPath: string, isDirectory: boolean) {
  const dir = dirname(checkpointPath);
  const hf = isDirectory && /^checkpoint-\d+$/.test(basename(checkpointPath)) ? dir : null;
  const parent = dirname(dir);
  const ultralyticsRun =
    basename(dir) === "weights" && (fileIn(parent, "args.yaml") || fileIn(parent, "results.csv"));
  const timm = !ultralyticsRun && (fileIn(dir, "summary.csv") || fileIn(dir, "args.yaml")) ? dir : null;
  return { hf, ultralytics: ultralyticsRun ? parent : null, timm };
}

/**
 * Lightning writes a monitored metric whose name has a `/` (`val/hmean`) into the file name as is, so
 * `epoch=2-step=24-val/hmean=0.8467.ckpt` puts the checkpoint in a sub-directory `epoch=2-step=24-val` of the
 * checkpoint dir: such `name=value` levels are part of the file name, not of the run layout.
 */
function checkpointDirOf(levels: readonly string[]): string {
  return levels.find((level) => !basename(level).includes("=")) ?? levels[0] ?? ".";
}

type LightningRoot = { hydraDir: string | null; containing: string | undefined; root: string };

/** The Hydra job dir, else the logger's root, else the dir holding `checkpoints/`; once per directory per scan. */
function lightningRoot(levels: readonly string[]): LightningRoot {
  const key = `lightning-root:${levels.join("\0")}`;
  const known = memo?.derived.get(key) as LightningRoot | undefined;
  if (known !== undefined) return known;
  const found = findLightningRoot(levels);
  remember(memo?.derived, key, found);
  return found;
}

function findLightningRoot(levels: readonly string[]): LightningRoot {
  const hydraDir = levels.find((level) => isDir(join(level, ".hydra"))) ?? null;
  const containing = levels.slice(1).find(isLightningLogDir);
  const checkpointDir = checkpointDirOf(levels);
  const name = basename(checkpointDir);
  const besideCheckpoints = CHECKPOINT_FOLDERS.has(name) ? dirname(checkpointDir) : checkpointDir;
  return {
    hydraDir,
    containing,
    root: hydraDir ?? (containing ? dirname(dirname(containing)) : besideCheckpoints),
  };
}

/** Hydra and Lightning layout: the `.hydra/` job dir, the logger dirs, and the root they hang from. */
function lightningLayout(levels: readonly string[]) {
  const { hydraDir, containing, root } = lightningRoot(levels);
  const contained = containing ? lightningLogDir(containing) : null;
  const logDirs = [
    ...(contained ? [contained] : []),
    ...lightningLogDirsUnder(root).filter((found) => found.dir !== containing),
  ];
  const hydraFile = (name: string) => (hydraDir ? fileIn(join(hydraDir, ".hydra"), name) : null);
  const hydra = hydraDir
    ? {
        configYaml: hydraFile("config.yaml"),
        hydraYaml: hydraFile("hydra.yaml"),
        overridesYaml: hydraFile("overrides.yaml"),
      }
    : null;
  return { hydraDir, hydra, root, logDirs };
}

/** timm / Ultralytics / HF entries of the result. */
function frameworkFiles(checkpointPath: string, dirs: ReturnType<typeof frameworkDirs>) {
  const { timm, ultralytics, hf } = dirs;
  return {
    timm: timm ? { summaryCsv: fileIn(timm, "summary.csv"), argsYaml: fileIn(timm, "args.yaml") } : null,
    ultralytics: ultralytics
      ? { resultsCsv: fileIn(ultralytics, "results.csv"), argsYaml: fileIn(ultralytics, "args.yaml") }
      : null,
    hf: hf
      ? {
          outputDir: hf,
          trainerState: fileOnce(checkpointPath, "trainer_state.json"),
          configJson: fileOnce(checkpointPath, "config.json"),
        }
      : null,
  };
}

/**
 * Finds the run directory of a checkpoint and the run files around it (no parsing): Hydra `.hydra/`, Lightning
 * logger dirs, timm/Ultralytics/HF output dirs, TensorBoard event files, the W&B and MLflow runs, and config files.
 * Walks at most `maxLevels` directories up and never above `scanRoot`.
 */
export function locateRunFiles(options: LocateRunOptions): RunFileLocations {
  return withMemo(options, () => locate(options));
}

function withMemo<T>(options: LocateRunOptions, body: () => T): T {
  memo = options.memo ?? null;
  try {
    return body();
  } finally {
    memo = null;
  }
}

/**
 * Only `runDir` of `locateRunFiles` (the catalog's run of a checkpoint read from its sidecar): the same answer,
 * without looking for the run files.
 */
export function locateRunDir(options: LocateRunOptions): string {
  return withMemo(options, () => {
    const checkpointPath = resolve(options.checkpointPath);
    const scanRoot = options.scanRoot === undefined ? undefined : resolve(options.scanRoot);
    const levels = ancestorsOf(checkpointPath, options.maxLevels ?? 6, scanRoot);
    const isDirectory = options.checkpointIsDirectory ?? statOnce(checkpointPath)?.isDirectory() ?? false;
    const dirs = frameworkDirs(checkpointPath, isDirectory);
    return dirs.timm ?? dirs.ultralytics ?? dirs.hf ?? lightningRoot(levels).root;
  });
}

function locate(options: LocateRunOptions): RunFileLocations {
  const checkpointPath = resolve(options.checkpointPath);
  const scanRoot = options.scanRoot === undefined ? undefined : resolve(options.scanRoot);
  const isDirectory = options.checkpointIsDirectory ?? statOnce(checkpointPath)?.isDirectory() ?? false;
  const maxLevels = options.maxLevels ?? 6;
  const levels = ancestorsOf(checkpointPath, maxLevels, scanRoot);
  const lightning = lightningLayout(levels);
  const dirs = frameworkDirs(checkpointPath, isDirectory);
  const runDir = dirs.timm ?? dirs.ultralytics ?? dirs.hf ?? lightning.root;
  const eventFiles = [
    ...lightning.logDirs.flatMap((found) => found.eventFiles),
    ...(dirs.hf ? eventFilesIn(join(dirs.hf, "runs"), 1) : []),
    ...(dirs.ultralytics ? eventFilesIn(dirs.ultralytics, 0) : []),
  ];
  const mtimeMs = options.checkpointMtimeMs ?? statSync(fsPath(checkpointPath)).mtimeMs;
  const candidates = configCandidatePaths({
    checkpointPath,
    isDirectory,
    maxLevels,
    ...(scanRoot ? { stopAt: scanRoot } : {}),
  });
  return {
    checkpointPath,
    runDir,
    hydraDir: lightning.hydraDir,
    hydra: lightning.hydra,
    lightningLogDirs: lightning.logDirs,
    ...frameworkFiles(checkpointPath, dirs),
    eventFiles: [...new Set(eventFiles)],
    wandb: locateWandb([runDir, ...levels.filter((level) => level !== runDir)], mtimeMs),
    mlflow: locateMlflow(levels, checkpointPath, runDir),
    // `<stem>.config.yaml` beside the checkpoint is its own; `config.yaml` of a run level is shared.
    configFiles: candidates.filter((path) =>
      path.endsWith("/config.yaml") ? statOf(path) !== undefined : existsInDirectory(memo, path),
    ),
  };
}
