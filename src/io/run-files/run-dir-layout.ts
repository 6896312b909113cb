import { basename, dirname, join } from "node:path";
import { type FsMemo, type ListedEntry, listDirectory, remember, statOrUndefined } from "../fs/fs-memo.ts";
import type { LightningLogDir } from "./run-file-locations.ts";

// Not logger dirs, and possibly large: never descended into when looking for `version_N`.
const SKIPPED_DIRS = new Set([".hydra", "wandb", ".wandb", "mlruns", "checkpoints", "weights", ".git"]);
const CHECKPOINT_FOLDERS = new Set(["checkpoints", "checkpoint"]); // torchtitan: `<dump>/checkpoint/step-N`

/** The directory looks of one locate, through the scan's memo (null: one checkpoint's look, nothing remembered). */
export class LayoutFs {
  readonly memo: FsMemo | null;

  constructor(memo: FsMemo | null) {
    this.memo = memo;
  }

  fileIn(dir: string, name: string): string | null {
    const path = join(dir, name);
    return statOrUndefined(this.memo, path)?.isFile() ? path : null;
  }

  /** For paths of one checkpoint only (looked at once per scan): remembering them would only grow the memo. */
  fileOnce(dir: string, name: string): string | null {
    const path = join(dir, name);
    return statOrUndefined(null, path)?.isFile() ? path : null;
  }

  listDir(dir: string): ListedEntry[] {
    return listDirectory(this.memo, dir);
  }

  isDir(path: string): boolean {
    return statOrUndefined(this.memo, path)?.isDirectory() ?? false;
  }

  /** What `compute` derives from the stats and listings alone, once per key per scan. */
  derived<T>(key: string, compute: () => T): T {
    const known = this.memo?.derived.get(key) as T | undefined;
    if (known !== undefined) return known;
    const found = compute();
    remember(this.memo?.derived, key, found);
    return found;
  }
}

export function ancestorsOf(dir: string, maxLevels: number, scanRoot: string | undefined): string[] {
  const found = [dir];
  for (let current = dir; found.length <= maxLevels && current !== scanRoot; ) {
    const parent = dirname(current);
    if (parent === current) break;
    found.push(parent);
    current = parent;
  }
  return found;
}

export function eventFilesIn(fs: LayoutFs, dir: string, depth = 1): string[] {
  return fs.listDir(dir).flatMap((entry) => {
    if (entry.isDir) return depth > 0 ? eventFilesIn(fs, join(dir, entry.name), depth - 1) : [];
    return entry.name.startsWith("events.out.tfevents.") ? [join(dir, entry.name)] : [];
  });
}

function lightningLogDir(fs: LayoutFs, dir: string): LightningLogDir | null {
  const hparamsYaml = fs.fileIn(dir, "hparams.yaml");
  const metricsCsv = fs.fileIn(dir, "metrics.csv");
  const eventFiles = eventFilesIn(fs, dir).sort();
  return hparamsYaml || metricsCsv || eventFiles.length > 0
    ? { dir, hparamsYaml, metricsCsv, eventFiles }
    : null;
}

/** A dir a Lightning logger wrote: `version_N`, or any dir with `hparams.yaml`/`metrics.csv` (string versions). */
function isLightningLogDir(fs: LayoutFs, dir: string): boolean {
  if (/^version_\d+$/.test(basename(dir))) return lightningLogDir(fs, dir) !== null;
  return fs.fileIn(dir, "hparams.yaml") !== null || fs.fileIn(dir, "metrics.csv") !== null;
}

/** Logger dirs under `root` (depth ≤ 3, skipping checkpoint/tracker dirs), in path order. */
function lightningLogDirsUnder(fs: LayoutFs, root: string, depth = 3): LightningLogDir[] {
  return fs
    .listDir(root)
    .filter((entry) => entry.isDir && !SKIPPED_DIRS.has(entry.name))
    .sort((left, right) => left.name.localeCompare(right.name, "en", { numeric: true }))
    .flatMap((entry) => {
      const dir = join(root, entry.name);
      const found = /^version_\d+$/.test(entry.name) ? lightningLogDir(fs, dir) : null;
      return found ? [found] : depth > 1 ? lightningLogDirsUnder(fs, dir, depth - 1) : [];
    });
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
export function lightningRoot(fs: LayoutFs, levels: readonly string[]): LightningRoot {
  return fs.derived(`lightning-root:${levels.join("\0")}`, () => findLightningRoot(fs, levels));
}

function findLightningRoot(fs: LayoutFs, levels: readonly string[]): LightningRoot {
  const hydraDir = levels.find((level) => fs.isDir(join(level, ".hydra"))) ?? null;
  const containing = levels.slice(1).find((level) => isLightningLogDir(fs, level));
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
export function lightningLayout(fs: LayoutFs, levels: readonly string[]) {
  const { hydraDir, containing, root } = lightningRoot(fs, levels);
  const contained = containing ? lightningLogDir(fs, containing) : null;
  const logDirs = [
    ...(contained ? [contained] : []),
    ...lightningLogDirsUnder(fs, root).filter((found) => found.dir !== containing),
  ];
  const hydraFile = (name: string) => (hydraDir ? fs.fileIn(join(hydraDir, ".hydra"), name) : null);
  const hydra = hydraDir
    ? {
        configYaml: hydraFile("config.yaml"),
        hydraYaml: hydraFile("hydra.yaml"),
        overridesYaml: hydraFile("overrides.yaml"),
      }
    : null;
  return { hydraDir, hydra, root, logDirs };
}

/** The HF output dir of a `checkpoint-N` directory, and the timm / Ultralytics run dirs around a checkpoint. */
export function frameworkDirs(fs: LayoutFs, checkpoint: { readonly dir: string; readonly hf: boolean }) {
  const { dir } = checkpoint;
  const hf = checkpoint.hf ? dir : null;
  const parent = dirname(dir);
  const ultralyticsRun =
    basename(dir) === "weights" && (fs.fileIn(parent, "args.yaml") || fs.fileIn(parent, "results.csv"));
  const timm = !ultralyticsRun && (fs.fileIn(dir, "summary.csv") || fs.fileIn(dir, "args.yaml")) ? dir : null;
  return { hf, ultralytics: ultralyticsRun ? parent : null, timm };
}

/** Whether a checkpoint is a Hugging Face `checkpoint-N` output directory. */
export function isHfCheckpointDir(checkpointPath: string, isDirectory: boolean): boolean {
  return isDirectory && /^checkpoint-\d+$/.test(basename(checkpointPath));
}
