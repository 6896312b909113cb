import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { z } from "zod";
import { configCandidatePaths } from "../core/runs/hydra-config.ts";
import { parseWandbRunDirName } from "../core/runs/wandb-run.ts";

/** A file that was found (absolute path) or not (null). */
const Path = z.string().nullable();

/** A Lightning logger dir (`<save_dir>/<name>/version_N`) and the run files in it. */
export const LightningLogDir = z.object({
  dir: z.string(),
  hparamsYaml: Path,
  metricsCsv: Path,
  eventFiles: z.array(z.string()),
});
export type LightningLogDir = z.infer<typeof LightningLogDir>;

/** Run files found for one checkpoint. Paths are absolute; nothing has been parsed. */
export const RunFileLocations = z.object({
  checkpointPath: z.string(),
  /** The most specific run dir: timm output dir, Ultralytics run, HF output_dir, else the Hydra/Lightning root. */
  runDir: z.string(),
  /** The job dir that contains `.hydra/`, when there is one above the checkpoint. */
  hydraDir: z.string().nullable(),
  hydra: z.object({ configYaml: Path, hydraYaml: Path, overridesYaml: Path }).nullable(),
  /** The dir holding the checkpoint first (when it is one), then the others under the run dir. */
  lightningLogDirs: z.array(LightningLogDir),
  timm: z.object({ summaryCsv: Path, argsYaml: Path }).nullable(),
  ultralytics: z.object({ resultsCsv: Path, argsYaml: Path }).nullable(),
  hf: z.object({ outputDir: z.string(), trainerState: Path, configJson: Path }).nullable(),
  /** Every TensorBoard event file found (Lightning log dirs, HF `runs/*`, Ultralytics run dir). */
  eventFiles: z.array(z.string()),
  wandb: z
    .object({ runDir: z.string(), runId: z.string().nullable(), candidates: z.number().int() })
    .nullable(),
  mlflow: z
    .object({
      runDir: z.string(),
      experimentDir: z.string(),
      matchedBy: z.enum(["contains-checkpoint", "artifact-uri", "run-name"]),
    })
    .nullable(),
  /** Existing config files in the predecessor's resolver order (`configCandidatePaths`). */
  configFiles: z.array(z.string()),
});
export type RunFileLocations = z.infer<typeof RunFileLocations>;

export type LocateRunOptions = {
  readonly checkpointPath: string;
  /** Never look above this directory. */
  readonly scanRoot?: string;
  /** Directories above the checkpoint's directory to look at. @default 6 */
  readonly maxLevels?: number;
  /** Used to pick among several W&B runs. @default the checkpoint's mtime */
  readonly checkpointMtimeMs?: number;
};

// Not logger dirs, and possibly large: never descended into when looking for `version_N`.
const SKIPPED_DIRS = new Set([".hydra", "wandb", ".wandb", "mlruns", "checkpoints", "weights", ".git"]);
const MAX_LISTED = 2000;

/** `stat` that treats any failure (vanished, ENOTDIR, EACCES) as "not there": run dirs change under our feet. */
function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function fileIn(dir: string, name: string): string | null {
  const path = join(dir, name);
  return statOf(path)?.isFile() ? path : null;
}

function listDir(dir: string): { name: string; isDir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .slice(0, MAX_LISTED)
      .map((entry) => ({
        name: entry.name,
        isDir: entry.isDirectory() || (entry.isSymbolicLink() && isDir(join(dir, entry.name))),
      }));
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  return statOf(path)?.isDirectory() ?? false;
}

function ancestorsOf(dir: string, maxLevels: number, scanRoot: string | undefined): string[] {
  const found = [dir];
  for (let current = dir; found.length <= maxLevels && current !== scanRoot; ) {
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

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

// A line match, not a YAML parse: the locator only needs two scalar fields to pick a run.
function yamlField(text: string, key: string): string | null {
  const match = new RegExp(`^${key}:\\s*(.*)$`, "m").exec(text);
  return match?.[1] ? match[1].trim().replace(/^['"]|['"]$/g, "") : null;
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
      const text = readText(join(run, "meta.yaml"));
      const artifactUri = yamlField(text, "artifact_uri")?.replace(/^file:\/\//, "");
      if (artifactUri && checkpointPath.startsWith(`${artifactUri}/`))
        return { runDir: run, experimentDir: dirname(run), matchedBy: "artifact-uri" };
      if (yamlField(text, "run_name") === basename(runDir))
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

/** Hydra and Lightning layout: the `.hydra/` job dir, the logger dirs, and the root they hang from. */
function lightningLayout(levels: readonly string[]) {
  const hydraDir = levels.find((level) => isDir(join(level, ".hydra"))) ?? null;
  const containing = levels.slice(1).find(isLightningLogDir);
  const checkpointDir = levels[0] ?? ".";
  const besideCheckpoints =
    basename(checkpointDir) === "checkpoints" ? dirname(checkpointDir) : checkpointDir;
  const root = hydraDir ?? (containing ? dirname(dirname(containing)) : besideCheckpoints);
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
          trainerState: fileIn(checkpointPath, "trainer_state.json"),
          configJson: fileIn(checkpointPath, "config.json"),
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
  const checkpointPath = resolve(options.checkpointPath);
  const scanRoot = options.scanRoot === undefined ? undefined : resolve(options.scanRoot);
  const isDirectory = isDir(checkpointPath);
  const maxLevels = options.maxLevels ?? 6;
  const levels = ancestorsOf(dirname(checkpointPath), maxLevels, scanRoot);
  const lightning = lightningLayout(levels);
  const dirs = frameworkDirs(checkpointPath, isDirectory);
  const runDir = dirs.timm ?? dirs.ultralytics ?? dirs.hf ?? lightning.root;
  const eventFiles = [
    ...lightning.logDirs.flatMap((found) => found.eventFiles),
    ...(dirs.hf ? eventFilesIn(join(dirs.hf, "runs"), 1) : []),
    ...(dirs.ultralytics ? eventFilesIn(dirs.ultralytics, 0) : []),
  ];
  const mtimeMs = options.checkpointMtimeMs ?? statSync(checkpointPath).mtimeMs;
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
    configFiles: candidates.filter((path) => existsSync(path)),
  };
}
