import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { inflateRawSync } from "node:zlib";
import {
  buildCheckpointReport,
  emptyReport,
  failedReport,
} from "../core/checkpoint/build-checkpoint-report.ts";
import type { CheckpointReport } from "../core/checkpoint/checkpoint-report.ts";
import { buildDirectoryReport } from "../core/checkpoint/directory-report.ts";
import { MEGATRON_TRACKER, megatronIteration } from "../core/checkpoint/megatron-report.ts";
import { UNFINISHED_REASON, unfinishedMarkerPath } from "../core/discovery/nemo-unfinished.ts";
import { isDeepSpeedTag } from "../core/formats/distributed/deepspeed-layout.ts";
import type { InflateRaw } from "../core/formats/zip-entry-reader.ts";
import { withDirectoryView } from "./directory-view.ts";
import { notRegularMessage, openFileByteSource } from "./file-byte-source.ts";
import { fsPath, readDirectoryNames } from "./fs-path.ts";

const inflate: InflateRaw = (compressed, options) =>
  new Uint8Array(inflateRawSync(compressed, { maxOutputLength: options.maxOutputLength }));

function unreadable(path: string, message: string, code: "not-found" | "unreadable"): CheckpointReport {
  return failedReport(emptyReport({ path, container: "unknown", size: 0 }), {
    status: "not-a-checkpoint",
    code,
    message,
  });
}

/**
 * A DeepSpeed tag dir (`<save>/global_step6/`) is judged with its save dir, whose `latest` says whether the save
 * was committed; any other directory is read by itself.
 */
function readDirectoryCheckpoint(path: string): CheckpointReport {
  const dirName = basename(resolve(path));
  if (isDeepSpeedTag(readDirectoryNames(path)))
    return withDirectoryView(dirname(resolve(path)), (view) =>
      buildDirectoryReport(view, { path, dirName, deepSpeedTag: dirName, inflate }),
    );
  const megatronTracker = megatronIteration(dirName) === undefined ? undefined : readTracker(path);
  return withDirectoryView(path, (view) =>
    buildDirectoryReport(view, {
      path,
      dirName,
      inflate,
      ...(megatronTracker === undefined ? {} : { megatronTracker }),
    }),
  );
}

/** Megatron's tracker beside an `iter_NNNNNNN` dir: its text, or null when it is absent. */
function readTracker(path: string): string | null {
  const tracker = join(dirname(resolve(path)), MEGATRON_TRACKER);
  try {
    return readFileSync(fsPath(tracker), "utf8").slice(0, 256);
  } catch {
    return null;
  }
}

/**
 * Reads one checkpoint (a file, an HF `checkpoint-N/` or a Lightning sharded `.ckpt/` directory) into a report.
 * Symlinks are followed; every descriptor is closed before returning; never throws. `path` is reported as given.
 * A FIFO, socket or device is refused by its stat, never opened (opening some devices has effects of its own).
 */
export function readCheckpointReport(path: string): CheckpointReport {
  const report = readUnmarked(path);
  if (report.status !== "ok" || !existsSync(fsPath(unfinishedMarkerPath(path)))) return report;
  return failedReport(report, {
    status: "incomplete",
    code: "directory-incomplete",
    message: UNFINISHED_REASON,
  });
}

function readUnmarked(path: string): CheckpointReport {
  try {
    const stats = statSync(fsPath(path));
    if (stats.isDirectory()) return readDirectoryCheckpoint(path);
    if (!stats.isFile())
      return unreadable(path, notRegularMessage(path, stats).replace(`${path}: `, ""), "unreadable");
    const opened = openFileByteSource(path);
    if (!opened.success) return unreadable(path, opened.error.message.replace(`${path}: `, ""), "unreadable");
    try {
      return buildCheckpointReport(opened.data, { path, inflate });
    } finally {
      opened.data.close();
    }
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    if (code === "ENOENT") return unreadable(path, "no such file or directory; check the path", "not-found");
    return unreadable(path, `cannot read it (${code || String(error)}); check its permissions`, "unreadable");
  }
}
