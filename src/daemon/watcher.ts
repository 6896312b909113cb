import type { Stats } from "node:fs";
import { resolve } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { classifyWatchDir, classifyWatchFile, isIgnoredWatchPath } from "../core/daemon/watch-paths.ts";
import { toWatchError } from "./watch-error.ts";
import type { WatchErrorEvent, WatchEvent, WatchStat } from "./watch-event.ts";

export type WatcherOptions = {
  /** Directories (or files) to watch; resolved to absolute paths, so events carry absolute paths. */
  readonly roots: readonly string[];
  readonly onEvent: (event: WatchEvent) => void;
  /** Watcher faults other than ENOENT/ENOTDIR (which are fs noise and dropped). @default onEvent */
  readonly onError?: (event: WatchErrorEvent) => void;
  /** Directory levels below each root; checkpoints sit a few levels deep and data dirs can be huge. @default 12 */
  readonly depth?: number;
  /** Emit `file-added`/`dir-added` for what already exists (the reconcile scan normally covers it). @default false */
  readonly reportExisting?: boolean;
  /**
   * chokidar only: window in ms in which unlink + add (temp + rename over an existing name) becomes one change.
   * The fs.watch adapter folds the events of one inotify read, and the settle step absorbs the rest. @default 100
   */
  readonly atomicMs?: number;
};

export type Watcher = {
  /** Resolves once the initial directory scan is done and events are live. */
  readonly ready: Promise<void>;
  /** Watch more roots (SIGHUP reload). */
  add(roots: readonly string[]): void;
  /** Stop watching roots (SIGHUP reload). */
  unwatch(roots: readonly string[]): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

function toWatchStat(stats: Stats | undefined): WatchStat | undefined {
  return stats === undefined ? undefined : { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
}

function fileEvent(kind: "file-added" | "file-changed", path: string, stats?: Stats): WatchEvent | undefined {
  const role = classifyWatchFile(path);
  if (role === undefined) return undefined;
  const stat = toWatchStat(stats);
  return stat === undefined ? { kind, path, role } : { kind, path, role, stat };
}

function subscribe(watcher: FSWatcher, options: WatcherOptions): void {
  const { onEvent } = options;
  const onError = options.onError ?? onEvent;
  const emit = (event: WatchEvent | undefined): void => {
    if (event !== undefined) onEvent(event);
  };
  watcher.on("add", (path, stats) => emit(fileEvent("file-added", path, stats)));
  watcher.on("change", (path, stats) => emit(fileEvent("file-changed", path, stats)));
  watcher.on("unlink", (path) => {
    const role = classifyWatchFile(path);
    if (role !== undefined) onEvent({ kind: "file-removed", path, role });
  });
  watcher.on("addDir", (path) => onEvent({ kind: "dir-added", path, role: classifyWatchDir(path) }));
  watcher.on("unlinkDir", (path) => onEvent({ kind: "dir-removed", path, role: classifyWatchDir(path) }));
  watcher.on("error", (error) => {
    const event = toWatchError(error);
    if (event !== undefined) onError(event);
  });
}

/**
 * chokidar 6 as `WatchEvent`s (STYLE rule 3: translation only). Symlinks are reported as themselves
 * (`last.ckpt` relinks show up as changes), our sidecars and writers' staging files are ignored, and no
 * `awaitWriteFinish`: events are hints, completeness is decided by the settle scheduler.
 */
export function startWatcher(options: WatcherOptions): Watcher {
  const roots = new Set(options.roots.map((root) => resolve(root)));
  const watcher = watch([...roots], {
    followSymlinks: false,
    ignoreInitial: !(options.reportExisting ?? false),
    ignorePermissionErrors: true,
    atomic: options.atomicMs ?? 100,
    awaitWriteFinish: false,
    depth: options.depth ?? 12,
    // A root is never ignored by its own name (`ckpt watch ./tmp`).
    ignored: (path: string, stats?: Stats) =>
      !roots.has(path) &&
      isIgnoredWatchPath(path, stats === undefined ? "unknown" : stats.isDirectory() ? "directory" : "file"),
  });
  subscribe(watcher, options);
  const ready = new Promise<void>((resolveReady) => {
    watcher.once("ready", () => {
      options.onEvent({ kind: "ready" });
      resolveReady();
    });
  });
  const close = () => watcher.close();
  return {
    ready,
    add: (more) => {
      const resolved = more.map((root) => resolve(root));
      for (const root of resolved) roots.add(root);
      watcher.add(resolved);
    },
    unwatch: (less) => {
      const resolved = less.map((root) => resolve(root));
      for (const root of resolved) roots.delete(root);
      watcher.unwatch(resolved);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
