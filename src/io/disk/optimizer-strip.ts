import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  lstatSync,
  openSync,
  renameSync,
  type Stats,
  unlinkSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { ByteSource } from "../../core/bytes/byte-source.ts";
import { isStripTempOf, stripTempName } from "../../core/retention/strip-temp-name.ts";
import type { StrippedZip } from "../../core/retention/stripped-zip-layout.ts";
import { openFileByteSource } from "../checkpoint/file-byte-source.ts";
import { syncDirectory } from "../fs/directory-sync.ts";
import { fsPath, readDirectoryNames } from "../fs/fs-path.ts";
import { randomHex } from "../fs/private-file.ts";
import { writeFully } from "../fs/sparse-file-writer.ts";
import { checkStrippedReport, planStripOf } from "./optimizer-strip-check.ts";
import { rangeCopier } from "./record-copy.ts";

// `prune --strip-optimizer`'s rewrite of one torch zip checkpoint: the new archive (optimizer items cut out of
// data.pkl, their storages dropped, every other record copied byte for byte) is written to a temp file in the same
// directory, fsynced, read back with ckpt's own reader and compared with the old report, then renamed over the old
// one and the directory fsynced. A kill at any moment leaves the original whole; the temp is named so the next
// strip of that file removes it (`.NAME.ckpt-strip-HEX.tmp`, never a checkpoint name to the scan).

export type StripOutcome =
  | {
      readonly kind: "stripped";
      readonly path: string;
      readonly removedKeys: readonly string[];
      /** Apparent size before minus after. */
      readonly bytesSaved: number;
    }
  /** Nothing to strip (no optimizer state in it, not a torch zip dict): left as it is. */
  | { readonly kind: "absent"; readonly path: string; readonly reason: string }
  | { readonly kind: "failed"; readonly path: string; readonly message: string };

/** Temps a killed strip of this checkpoint left behind (the catalog's lock keeps two strips apart). */
export function removeStaleStripTemps(path: string): void {
  const directory = dirname(path);
  for (const name of readDirectoryNames(directory))
    if (isStripTempOf(name, basename(path))) unlinkSync(fsPath(join(directory, name)));
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Writes the new archive into `fd`: headers and data.pkl, then each kept record streamed from the old file. */
function writeStripped(fd: number, old: number, layout: StrippedZip): void {
  ftruncateSync(fd, layout.written.size);
  for (const chunk of layout.written.chunks) writeFully(fd, chunk.bytes, chunk.offset);
  const copy = rangeCopier();
  for (const record of layout.copies) copy({ ...record, source: old, target: fd });
}

/** Same mode, owner and times as the old file: an old checkpoint must not look new (active runs, --keep-since). */
function keepAttributes(fd: number, old: Stats): void {
  fchmodSync(fd, old.mode & 0o7777);
  if (typeof process.getuid === "function" && old.uid !== process.getuid()) fchownSync(fd, old.uid, old.gid);
  futimesSync(fd, old.atime, old.mtime);
}

function writeTemp(path: string, old: { fd: number; stats: Stats }, layout: StrippedZip): string {
  const temp = join(dirname(path), stripTempName(basename(path), randomHex(6)));
  const fd = openSync(fsPath(temp), "wx", 0o600);
  try {
    writeStripped(fd, old.fd, layout);
    keepAttributes(fd, old.stats);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(fsPath(temp));
    throw error;
  }
  closeSync(fd);
  return temp;
}

function refusalOf(path: string, stats: Stats): string | null {
  if (stats.isSymbolicLink()) return `${path}: a symlink; its target is stripped under its own name`;
  if (!stats.isFile()) return `${path}: not a regular file`;
  if (stats.nlink > 1)
    return `${path}: has ${stats.nlink} hard links; rewriting one name would free nothing, so it is left whole`;
  return null;
}

function replaceWith(path: string, temp: string, old: { fd: number; stats: Stats }): string | null {
  const now = lstatSync(fsPath(path));
  if (!sameFile(now, old.stats) || !sameFile(fstatSync(old.fd), old.stats)) {
    unlinkSync(fsPath(temp));
    return `${path}: changed while it was being rewritten; left as it is (prune again)`;
  }
  renameSync(fsPath(temp), fsPath(path));
  syncDirectory(dirname(path));
  return null;
}

/** Plans, writes, checks and renames; `source` is the old file, read by the planner. */
function stripOpened(path: string, stats: Stats, source: ByteSource): StripOutcome {
  const planned = planStripOf(path, source);
  if (planned.kind !== "planned") return planned;
  const old = { fd: openSync(fsPath(path), "r"), stats };
  try {
    const temp = writeTemp(path, old, planned.layout);
    const checked = checkStrippedReport({ path, temp, before: planned.before, layout: planned.layout });
    if (checked !== null) unlinkSync(fsPath(temp));
    const refused = checked ?? replaceWith(path, temp, old);
    if (refused !== null) return { kind: "failed", path, message: refused };
  } finally {
    closeSync(old.fd);
  }
  const { oldSize, newSize, strip } = planned.layout;
  return { kind: "stripped", path, removedKeys: strip.removedKeys, bytesSaved: oldSize - newSize };
}

/** Rewrites `path` without its optimizer state, or says why not; never leaves it half-written. */
export function stripOptimizer(path: string): StripOutcome {
  try {
    removeStaleStripTemps(path);
    const stats = lstatSync(fsPath(path));
    const refused = refusalOf(path, stats);
    if (refused !== null) return { kind: "failed", path, message: refused };
    const opened = openFileByteSource(path);
    if (!opened.success) return { kind: "failed", path, message: opened.error.message };
    try {
      return stripOpened(path, stats, opened.data);
    } finally {
      opened.data.close();
    }
  } catch (error) {
    return {
      kind: "failed",
      path,
      message: `${path}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
