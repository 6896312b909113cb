import { basename } from "node:path";
import type { ReportStatus } from "../core/checkpoint/checkpoint-report.ts";
import type { PathIdentity } from "../core/daemon/settle-plan.ts";
import { structuralDirKind } from "../core/discovery/checkpoint-dir-structure.ts";
import { isHfCheckpointDirName } from "../core/discovery/checkpoint-names.ts";
import { UNFINISHED_REASON, unfinishedMarkerPath } from "../core/discovery/nemo-unfinished.ts";
import { type Completeness, checkFileCompleteness } from "../core/formats/completeness.ts";
import { LATEST_FILE } from "../core/formats/distributed/deepspeed-layout.ts";
import { inspectHfCheckpointDir } from "../core/formats/hf-checkpoint-dir.ts";
import { inspectLightningShardedDir } from "../core/formats/lightning-sharded-dir.ts";
import { checkLegacyTorchCompleteness } from "../core/formats/torch-legacy.ts";
import { checkpointSizeAndMtime } from "../io/checkpoint/checkpoint-dir-identity.ts";
import { notRegularMessage, withFileByteSource } from "../io/checkpoint/file-byte-source.ts";
import { readCheckpointReport } from "../io/checkpoint/read-checkpoint.ts";
import { statOrUndefined } from "../io/fs/fs-memo.ts";
import { readDirectoryNames } from "../io/fs/fs-path.ts";
import { withDirectoryView } from "../io/scan/directory-view.ts";

/**
 * The settle scheduler's `stat`: size/mtime/ino of a file (through symlinks: `last.ckpt` settles as its target),
 * or for a checkpoint directory the total size and newest mtime of its files with the directory's inode.
 * Undefined when the path is gone or unreadable, or is a FIFO, socket or device: never a checkpoint, so settling
 * treats it as gone and nothing ever opens it.
 */
export function statPathIdentity(path: string): PathIdentity | undefined {
  const stats = statOrUndefined(null, path);
  if (stats === undefined || !(stats.isFile() || stats.isDirectory())) return undefined;
  return { ...checkpointSizeAndMtime(path, stats), ino: stats.ino };
}

/** A report's status as the settle step's verdict: a hostile checkpoint is finished (and reported unsafe). */
const REPORT_COMPLETENESS: Readonly<Record<ReportStatus, Completeness["state"]>> = {
  ok: "complete",
  unsafe: "complete",
  incomplete: "incomplete",
  corrupt: "corrupt",
  "not-a-checkpoint": "incomplete",
  "too-large": "unknown",
};

/**
 * A directory checkpoint known by its files settles by its writer's signal, judged as `inspect` judges it: a
 * DeepSpeed tag once `latest` names it (or a newer tag), a DCP dir once `.metadata` names storage files that hold
 * their bytes, an Accelerate dir once its files are whole.
 */
function structuralCompleteness(path: string): Completeness | undefined {
  let names: string[];
  try {
    names = readDirectoryNames(path);
  } catch {
    return undefined;
  }
  // A DeepSpeed save dir named like a checkpoint (Lightning's `x.ckpt/` with `latest`) follows the same rules.
  if (structuralDirKind(names) === null && !names.includes(LATEST_FILE)) return undefined;
  const report = readCheckpointReport(path);
  const state = REPORT_COMPLETENESS[report.status];
  return { state, reason: report.error?.message ?? `${report.container}: complete by its writer's signal` };
}

function directoryCompleteness(path: string): Completeness {
  const structural = structuralCompleteness(path);
  if (structural !== undefined) return structural;
  return withDirectoryView(path, (view) => {
    const hf = inspectHfCheckpointDir(view, { dirName: basename(path) });
    if (hf !== undefined) return hf.completeness;
    const sharded = inspectLightningShardedDir(view);
    if (sharded !== undefined) return sharded.completeness;
    const waitingFor = isHfCheckpointDirName(basename(path))
      ? "no trainer_state.json yet (the Trainer writes it last)"
      : "no checkpoint files in the directory yet";
    return { state: "incomplete", reason: waitingFor };
  });
}

/**
 * The settle scheduler's `checkCompleteness`: the container format's verdict for a file (zip end records,
 * safetensors equation, legacy pickles to EOF) or the HF/Lightning sharded directory rules. Never throws.
 */
export function checkPathCompleteness(path: string): Completeness {
  if (statOrUndefined(null, unfinishedMarkerPath(path)) !== undefined)
    return { state: "incomplete", reason: UNFINISHED_REASON };
  const stats = statOrUndefined(null, path);
  if (stats === undefined) return { state: "incomplete", reason: `${path} vanished while being checked` };
  if (stats.isDirectory()) return directoryCompleteness(path);
  if (!stats.isFile()) return { state: "corrupt", reason: notRegularMessage(path, stats) };
  const checked = withFileByteSource(path, (source) =>
    checkFileCompleteness(source, { checkLegacyTorchPickle: checkLegacyTorchCompleteness }),
  );
  if (checked.success) return checked.data;
  return checked.error.code === "not-found"
    ? { state: "incomplete", reason: checked.error.message }
    : { state: "unknown", reason: checked.error.message };
}
