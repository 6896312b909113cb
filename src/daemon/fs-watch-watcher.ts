import { type FSWatcher, lstatSync, type Stats, watch } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  classifyWatchDir,
  classifyWatchFile,
  isIgnoredWatchDirName,
  isIgnoredWatchPath,
} from "../core/daemon/watch-paths.ts";
import { fsNameFromBytes } from "../core/text/fs-name.ts";
import { type DirectoryEntry, fsPath, readDirectoryEntries } from "../io/fs/fs-path.ts";
import { joinName } from "../io/scan/walk-paths.ts";
import { toWatchError } from "./watch-error.ts";
import type { Watcher, WatcherOptions } from "./watcher.ts";

/** Raw `fs.watch` kinds: `rename` is "appeared or went", `change` is "written". */
type RawKind = "rename" | "change";

/** What the adapter keeps: the watched directories only (about 1,100 at 100k checkpoints), never the files. */
type Tree = {
  readonly options: WatcherOptions;
  readonly depth: number;
  readonly watchers: Map<string, FSWatcher>;
  readonly dirs: Set<string>;
  readonly pending: Map<string, RawKind>;
  /** Files reported in the last second with the stat they had: the raw duplicates that follow are dropped. */
  readonly recent: Map<string, string>;
  recentTimer: ReturnType<typeof setTimeout> | undefined;
  /** The scheduled flush of `pending`, if any. */
  flushImmediate: ReturnType<typeof setImmediate> | undefined;
  closed: boolean;
};

/** Like chokidar's `ignorePermissionErrors`: an unreadable directory is the scan's to report, once. */
const PERMISSION_CODES = new Set(["EACCES", "EPERM"]);

function reportError(tree: Tree, error: unknown): void {
  const event = toWatchError(error);
  if (event !== undefined && !PERMISSION_CODES.has(event.code))
    (tree.options.onError ?? tree.options.onEvent)(event);
}

function lstatOrUndefined(tree: Tree, path: string): Stats | undefined {
  try {
    return lstatSync(fsPath(path));
  } catch (error) {
    reportError(tree, error);
    return undefined;
  }
}

function rootOf(tree: Tree, path: string): string | undefined {
  let best: string | undefined;
  for (const root of tree.watchers.keys())
    if ((path === root || path.startsWith(`${root}/`)) && root.length > (best?.length ?? -1)) best = root;
  return best;
}

/** The chokidar adapter's rules: too deep, under an ignored directory, or an ignored name (sidecars, staging). */
function isExcluded(tree: Tree, path: string): boolean {
  const root = rootOf(tree, path);
  if (root === undefined) return true;
  if (path === root) return false;
  const segments = path.slice(root.length + 1).split("/");
  if (segments.length > tree.depth + 1) return true;
  for (let index = 0; index < segments.length - 1; index++)
    if (isIgnoredWatchDirName(segments[index] ?? "")) return true;
  return isIgnoredWatchPath(path, "unknown");
}

const RECENT_MS = 1000;

function emitFile(tree: Tree, path: string, kind: "file-added" | "file-changed", stats: Stats): void {
  // A FIFO, socket or device is never a checkpoint or run file: no event, so nothing downstream opens it.
  if (!stats.isFile() && !stats.isSymbolicLink()) return;
  const role = classifyWatchFile(path);
  if (role === undefined) return;
  // A renamed-in directory is reported by our scan and then again file by file by the kernel watch.
  const seen = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
  if (tree.recent.get(path) === seen) return;
  tree.recent.set(path, seen);
  tree.recentTimer ??= setTimeout(() => {
    tree.recentTimer = undefined;
    tree.recent.clear();
  }, RECENT_MS);
  tree.options.onEvent({
    kind,
    path,
    role,
    stat: { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino },
  });
}

/**
 * A directory that was not watched yet: remember it and, when asked, report it and what is already in it (files
 * written before the kernel watch existed would otherwise be missed; chokidar does the same for a new directory).
 */
function addDirectory(tree: Tree, path: string, report: boolean): void {
  if (tree.dirs.has(path)) return;
  tree.dirs.add(path);
  if (report) tree.options.onEvent({ kind: "dir-added", path, role: classifyWatchDir(path) });
  let entries: DirectoryEntry[];
  try {
    entries = readDirectoryEntries(path);
  } catch (error) {
    reportError(tree, error);
    return;
  }
  // Dirent types (no stat per entry): the start-up walk touches only the directories of a 100k-file tree.
  for (const entry of entries) {
    const known = entry.isDirectory() || entry.isFile() || entry.isSymbolicLink();
    if (known && !entry.isDirectory() && !report) continue;
    const child = join(path, entry.name);
    if (isExcluded(tree, child)) continue;
    if (entry.isDirectory()) addDirectory(tree, child, report);
    else if (!known || classifyWatchFile(child) !== undefined) {
      // DT_UNKNOWN (some network filesystems) or a file we report: stat it.
      const stats = lstatOrUndefined(tree, child);
      if (stats?.isDirectory()) addDirectory(tree, child, report);
      else if (stats !== undefined && report) emitFile(tree, child, "file-added", stats);
    }
  }
}

function removeDirectory(tree: Tree, path: string): void {
  const prefix = `${path}/`;
  for (const dir of tree.dirs) if (dir === path || dir.startsWith(prefix)) tree.dirs.delete(dir);
  tree.options.onEvent({ kind: "dir-removed", path, role: classifyWatchDir(path) });
}

/** An existing path whose parent we never saw (its event was lost, or is still pending): take the parent in first. */
function adoptParent(tree: Tree, path: string): void {
  const parent = dirname(path);
  if (tree.dirs.has(parent) || rootOf(tree, parent) === undefined || isExcluded(tree, parent)) return;
  adoptParent(tree, parent);
  addDirectory(tree, parent, true);
}

/** One coalesced raw event into at most one `WatchEvent`, by looking at what is there now. */
function translate(tree: Tree, path: string, raw: RawKind): void {
  if (isExcluded(tree, path)) return;
  const stats = lstatOrUndefined(tree, path);
  if (stats === undefined) {
    if (tree.dirs.has(path)) removeDirectory(tree, path);
    else {
      const role = classifyWatchFile(path);
      if (role !== undefined) tree.options.onEvent({ kind: "file-removed", path, role });
    }
    return;
  }
  adoptParent(tree, path);
  if (stats.isDirectory()) addDirectory(tree, path, true);
  else emitFile(tree, path, raw === "rename" ? "file-added" : "file-changed", stats);
}

/**
 * The longest a flush runs before the event loop gets a turn: `rm -rf` of 200k checkpoints piles up that many raw
 * events while a job runs, and translating them in one go kept signals and the control socket waiting 3.4 s.
 */
const FLUSH_SLICE_MS = 20;

function flush(tree: Tree): void {
  tree.flushImmediate = undefined;
  const started = performance.now();
  for (const [path, raw] of tree.pending) {
    if (tree.closed) return;
    if (performance.now() - started > FLUSH_SLICE_MS) {
      tree.flushImmediate = setImmediate(() => flush(tree));
      return;
    }
    tree.pending.delete(path);
    translate(tree, path, raw);
  }
}

/** Dedupes a burst: one entry per path, `rename` wins over `change` (it says the path may have come or gone). */
/**
 * As little as can be per raw event: Bun hands over the backlog that piled up during a job in one go (`rm -rf` of
 * 200k checkpoints and their sidecars is 400k events), so the ignore rules wait for the flush, which is sliced.
 */
function onRaw(tree: Tree, path: string, raw: RawKind): void {
  if (tree.closed) return;
  if (tree.pending.get(path) !== "rename") tree.pending.set(path, raw);
  // The raw events of one inotify read (a write's create + modify + close) arrive in one turn of the event loop:
  // flushing them once it has run folds them into one look, and the settle step debounces the rest. A timer here
  // would cost an extra wake-up of the loop per write, and with it a pass of the allocator's scavenger.
  tree.flushImmediate ??= setImmediate(() => flush(tree));
}

function watchRoot(tree: Tree, root: string): void {
  const stats = lstatOrUndefined(tree, root);
  if (stats === undefined || tree.watchers.has(root)) return;
  const isDir = stats.isDirectory();
  try {
    // Names as bytes: one that is not valid UTF-8 is taken in ckpt's spelling, not lossily decoded.
    const options = { recursive: isDir, persistent: true, encoding: "buffer" } as const;
    const watcher = watch(fsPath(root), options, (raw, name) => {
      const path = !isDir ? root : name === null ? null : joinName(root, fsNameFromBytes(name));
      if (path !== null) onRaw(tree, path, raw === "change" ? "change" : "rename");
    });
    watcher.on("error", (error) => {
      reportError(tree, error);
    });
    tree.watchers.set(root, watcher);
  } catch (error) {
    reportError(tree, error);
    return;
  }
  const report = tree.options.reportExisting ?? false;
  if (isDir) addDirectory(tree, root, report);
  else if (report) emitFile(tree, root, "file-added", stats);
}

function unwatchRoot(tree: Tree, root: string): void {
  tree.watchers.get(root)?.close();
  tree.watchers.delete(root);
  const prefix = `${root}/`;
  for (const dir of tree.dirs)
    if ((dir === root || dir.startsWith(prefix)) && rootOf(tree, dir) === undefined) tree.dirs.delete(dir);
}

/**
 * Bun's recursive `fs.watch` (one inotify watch per directory, ~30 MB at 100k files against chokidar's 209 MB,
 * ux §3.7) as `WatchEvent`s. Raw `rename`/`change` events carry no stats and come duplicated, so a burst is
 * coalesced per path and each path is `lstat`ed once: there → added/changed (or a new directory, whose contents are
 * reported), gone → removed. Only directories are remembered; the same ignore rules as the chokidar adapter apply.
 */
export function startFsWatchWatcher(options: WatcherOptions): Watcher {
  const tree: Tree = {
    options,
    depth: options.depth ?? 12,
    watchers: new Map(),
    dirs: new Set(),
    pending: new Map(),
    recent: new Map(),
    recentTimer: undefined,
    flushImmediate: undefined,
    closed: false,
  };
  for (const root of options.roots) watchRoot(tree, resolve(root));
  const ready = Promise.resolve().then(() => {
    if (!tree.closed) options.onEvent({ kind: "ready" });
  });
  const close = async (): Promise<void> => {
    tree.closed = true;
    if (tree.flushImmediate !== undefined) clearImmediate(tree.flushImmediate);
    if (tree.recentTimer !== undefined) clearTimeout(tree.recentTimer);
    tree.recent.clear();
    for (const watcher of tree.watchers.values()) watcher.close();
    tree.watchers.clear();
    tree.dirs.clear();
    tree.pending.clear();
  };
  return {
    ready,
    add: (more) => {
      for (const root of more) watchRoot(tree, resolve(root));
    },
    unwatch: (less) => {
      for (const root of less) unwatchRoot(tree, resolve(root));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
