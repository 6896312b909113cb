import { assertNever } from "../assert-never.ts";
import { directoryCheckpointLevels } from "../discovery/checkpoint-member-names.ts";
import {
  checkpointExtension,
  isHfCheckpointDirName,
  isShardedCheckpointDirName,
  isSkippedDirectoryName,
  isStagingName,
} from "../discovery/checkpoint-names.ts";
import { isSidecarFileName, isSidecarTempFileName } from "../metadata/sidecar-path.ts";

/**
 * Why a watched file matters to the daemon. A checkpoint file settles on its own; a file inside a checkpoint
 * directory (HF `checkpoint-N/`, Lightning sharded `.ckpt/`, or any directory when the file is one only a directory
 * checkpoint holds: DeepSpeed rank files, DCP `.metadata`/`.distcp`) settles its directory; a metric file
 * re-assembles the checkpoints of its run.
 */
export type WatchPathRole =
  | { readonly kind: "checkpoint-file" }
  | { readonly kind: "checkpoint-dir-member"; readonly checkpointDir: string }
  | { readonly kind: "metric-file" };

// One object per role without a parameter: the poller keeps a role per watched file (100k of them).
const CHECKPOINT_FILE: WatchPathRole = Object.freeze({ kind: "checkpoint-file" });
const METRIC_FILE: WatchPathRole = Object.freeze({ kind: "metric-file" });

/** What a directory event is about: a directory checkpoint, or any other directory. */
export type WatchDirRole = "checkpoint-dir" | "directory";

/** Exact names of the run files the enrich step reads (formats.md §12); `.hydra/*.yaml` is matched separately. */
const METRIC_FILE_NAMES = new Set([
  "metrics.csv",
  "results.csv",
  "summary.csv",
  "trainer_state.json",
  "hparams.yaml",
  "args.yaml",
]);
/** HF 4.36–4.38 staging dir; matched on parents only, since a root may well live under `/tmp`. */
const STAGING_DIR = /^tmp-checkpoint-/;
const TENSORBOARD_PREFIX = "events.out.tfevents.";

/** `.hydra` holds config we read, so it is watched even though the one-shot walker skips it. */
const WATCHED_DESPITE_SKIP = new Set([".hydra"]);

function segmentsOf(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function isCheckpointDirName(name: string): boolean {
  return isHfCheckpointDirName(name) || isShardedCheckpointDirName(name);
}

/** The nearest enclosing checkpoint directory of a file, looking two levels up (DeepSpeed nests `<tag>/`). */
function enclosingCheckpointDir(segments: readonly string[], absolute: boolean): string | undefined {
  for (const up of [2, 3]) {
    const name = segments[segments.length - up];
    if (name !== undefined && isCheckpointDirName(name) && !isStagingName(name))
      return `${absolute ? "/" : ""}${segments.slice(0, segments.length - up + 1).join("/")}`;
  }
  return undefined;
}

/** The role of a file path, or undefined when the daemon does not care about it (ignored, or a plain file). */
export function classifyWatchFile(path: string): WatchPathRole | undefined {
  const segments = segmentsOf(path);
  const name = segments.at(-1);
  if (name === undefined || isSidecarFileName(name) || isSidecarTempFileName(name) || isStagingName(name))
    return undefined;
  if (segments.slice(-3, -1).some((segment) => STAGING_DIR.test(segment))) return undefined;
  const checkpointDir = enclosingCheckpointDir(segments, path.startsWith("/"));
  if (checkpointDir !== undefined) return { kind: "checkpoint-dir-member", checkpointDir };
  const levels = directoryCheckpointLevels(segments);
  if (levels !== undefined) {
    const dir = segments.slice(0, segments.length - levels).join("/");
    return { kind: "checkpoint-dir-member", checkpointDir: `${path.startsWith("/") ? "/" : ""}${dir}` };
  }
  if (checkpointExtension(name) !== null) return CHECKPOINT_FILE;
  if (METRIC_FILE_NAMES.has(name) || name.startsWith(TENSORBOARD_PREFIX)) return METRIC_FILE;
  if (segments.at(-2) === ".hydra" && name.endsWith(".yaml")) return METRIC_FILE;
  return undefined;
}

export function classifyWatchDir(path: string): WatchDirRole {
  const name = segmentsOf(path).at(-1) ?? "";
  return isCheckpointDirName(name) && !isStagingName(name) ? "checkpoint-dir" : "directory";
}

/** Directories never descended into: caches, VCS, virtualenvs, W&B media, and writers' staging dirs. */
export function isIgnoredWatchDirName(name: string): boolean {
  if (WATCHED_DESPITE_SKIP.has(name)) return false;
  return isSkippedDirectoryName(name) || isStagingName(name);
}

export type WatchPathKind = "file" | "directory" | "unknown";

/**
 * The watcher's `ignored` rule for one path. Names alone decide for directories; a file is kept only when it has a
 * role. With `unknown` (chokidar asks once before it has stats) only name rules apply, so nothing is lost.
 */
export function isIgnoredWatchPath(path: string, kind: WatchPathKind): boolean {
  const name = segmentsOf(path).at(-1) ?? "";
  if (isSidecarFileName(name) || isSidecarTempFileName(name)) return true;
  switch (kind) {
    case "directory":
      return isIgnoredWatchDirName(name);
    case "file":
      return classifyWatchFile(path) === undefined;
    case "unknown":
      return isIgnoredWatchDirName(name);
    default:
      return assertNever(kind);
  }
}
