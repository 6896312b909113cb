import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { inflateRawSync } from "node:zlib";
import { buildCheckpointReport } from "../../core/checkpoint/build-checkpoint-report.ts";
import type { CheckpointReport } from "../../core/checkpoint/checkpoint-report.ts";
import { buildDirectoryReport } from "../../core/checkpoint/directory-report.ts";
import { MEGATRON_TRACKER, megatronIteration } from "../../core/checkpoint/megatron-tracker.ts";
import { emptyReport, failedReport } from "../../core/checkpoint/report-outcome.ts";
import { UNFINISHED_REASON, unfinishedMarkerPath } from "../../core/discovery/nemo-unfinished.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { isDeepSpeedTag, saveDirEntriesOfTag } from "../../core/formats/distributed/deepspeed-layout.ts";
import type { Crc32, InflateRaw } from "../../core/formats/zip-entry-reader.ts";
import { fsPath, readDirectoryNames } from "../fs/fs-path.ts";
import { withDirectoryView } from "../scan/directory-view.ts";
import { notRegularMessage, openFileByteSource } from "./file-byte-source.ts";

/** The raw-deflate decoder every checkpoint read passes to the core readers (files and objects alike). */
export const inflate: InflateRaw = (compressed, options) =>
  new Uint8Array(inflateRawSync(compressed, { maxOutputLength: options.maxOutputLength }));

/**
 * Bun's native CRC-32 (the zip polynomial, as crc32.ts): data.pkl is checked on every read, and the script
 * version took ~10 µs of a ~250 µs read of a 10 KB data.pkl (0.35 µs native).
 */
export const nativeCrc32: Crc32 = (bytes) => Bun.hash.crc32(bytes);

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
    return withDirectoryView(
      dirname(resolve(path)),
      (view) => buildDirectoryReport(view, { path, dirName, deepSpeedTag: dirName, inflate }),
      { within: saveDirEntriesOfTag(dirName) },
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
 * The reader's design, in one place:
 * - One open per file; reads go through a block cache (file-byte-source.ts) so the zip end record, central
 *   directory, local headers and data.pkl of a small checkpoint cost a few preads (a file ≤ 64 KB: one); only
 *   those bytes and 0-d tensors' elements are read (`bytes_read` never grows with tensor data). The blocks'
 *   memory goes on to the next file once this one is closed (the report keeps no view of it).
 * - A legacy (< 1.6) file: its five pickles from an 8 KB window (grown ×4 if they need more); each storage's
 *   offset and the end of the last record follow from the persistent ids (root numel × element size, records in
 *   key order), and the records are walked only when that end is not the file's size (to say where it is cut).
 * - The zip central directory is parsed once into entries (ASCII names decoded once per distinct name,
 *   zip-entry-name.ts); the torch layout (root, data.pkl, storages, records) is found from it in one pass.
 *   data.pkl's CRC-32 is checked (it is what reports a damaged pickle), by Bun's native CRC-32.
 * - The pickle is interpreted, never executed (pickle-interpreter.ts): one reusable decoded op, handlers in an
 *   array by opcode byte, memo as a growable array, short ASCII strings interned, SETITEMS read in place, dicts
 *   scanned up to 32 string keys and indexed only past that; empty dicts and `()` share one list.
 * - Tensors are read, not built (tensor-run.ts): after `BINGET <_rebuild_tensor_v2>` the ~25 opcodes torch writes
 *   per tensor (storage id, offset, shape, stride, requires_grad, hooks `OrderedDict()`) are matched in one step
 *   into a TensorRef (dtype, shape, storage key: what summaries count). The tuples and hooks dict are not made;
 *   their memo slots hold a deferred run that a BINGET replays through the ordinary handlers (torch never asks).
 *   Anything unexpected in a run (a GLOBAL, a LONG1, a memoized shape) leaves it to the ordinary interpreter, so
 *   every GLOBAL is still executed and recorded for the safety verdict.
 * - The safety scan is taken from the interpretation (every GLOBAL/INST in order), for a zip's data.pkl and for a
 *   legacy file's five pickles alike; the static walk runs only where it alone can judge (getattr call sites,
 *   bytes after STOP, a failed interpretation, a persistent id that is not a storage tuple; in legacy files also
 *   STACK_GLOBAL, PROTO out of place). Report builders walk the value once each; state dicts are counted as their
 *   tensors are met (TensorTally); a recognizer that cannot beat the best so far is not run; each 0-d tensor is
 *   read once per file. The report is one object per file, filled in its output key order (`fillTorchReport`,
 *   Lightning's facts likewise), never spread from step to step.
 * - safetensors: the JSON header, checked by hand in the common case (zod only for what the hand check refuses).
 * Measured in bench/reader-bench.ts against Python's C unpickler (BENCHMARKS.md).
 *
 * Reads one checkpoint (a file, an HF `checkpoint-N/` or a Lightning sharded `.ckpt/` directory) into a report.
 * Symlinks are followed; every descriptor is closed before returning; never throws. `path` is reported as given.
 * A FIFO, socket or device is refused by its stat, never opened (opening some devices has effects of its own); a
 * file a walk has just stat'ed as regular (`known`) is opened at once (non-blocking) and judged on the descriptor.
 */
export function readCheckpointReport(path: string, known?: KnownOnDisk): CheckpointReport {
  const report = readUnmarked(path, known !== undefined);
  if (report.status !== "ok" || !hasUnfinishedMarker(path, report, known)) return report;
  return failedReport(report, {
    status: "incomplete",
    code: "directory-incomplete",
    message: UNFINISHED_REASON,
  });
}

/**
 * What a walk just saw of a regular file, which the reader then does not look at again: a system call each, and a
 * cold scan makes ~8 per checkpoint. Given, the file is opened without a `stat` first (the open still refuses
 * anything but a regular file, on the descriptor).
 */
export type KnownOnDisk = {
  /** Its size then: the walk's answer on the marker holds for the bytes it saw. */
  readonly size: number;
  /** Whether the directory listing held NeMo's `-unfinished` marker for it; absent: not known, looked for. */
  readonly unfinishedMarker?: boolean | undefined;
};

function hasUnfinishedMarker(path: string, report: CheckpointReport, known: KnownOnDisk | undefined) {
  if (known?.unfinishedMarker === false && report.size_bytes === known.size) return false;
  return existsSync(fsPath(unfinishedMarkerPath(path)));
}

function readUnmarked(path: string, walkedRegularFile: boolean): CheckpointReport {
  try {
    if (!walkedRegularFile) {
      const stats = statSync(fsPath(path));
      if (stats.isDirectory()) return readDirectoryCheckpoint(path);
      if (!stats.isFile())
        return unreadable(path, notRegularMessage(path, stats).replace(`${path}: `, ""), "unreadable");
    }
    // The report is plain data (strings, numbers, copies): nothing in it points into the source's blocks.
    const opened = openFileByteSource(path, { reuseAfterClose: true });
    if (!opened.success) return unreadable(path, opened.error.message.replace(`${path}: `, ""), "unreadable");
    try {
      return buildCheckpointReport(opened.data, { path, inflate, crc32: nativeCrc32 });
    } finally {
      opened.data.close();
    }
  } catch (error) {
    const code = errorCodeOf(error) ?? "";
    if (code === "ENOENT") return unreadable(path, "no such file or directory; check the path", "not-found");
    return unreadable(path, `cannot read it (${code || String(error)}); check its permissions`, "unreadable");
  }
}
