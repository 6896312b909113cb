import { startFsWatchWatcher } from "./fs-watch-watcher.ts";
import { clearTimer, setTimer } from "./loop-timers.ts";
import { startTargetedPoller } from "./targeted-poller.ts";
import type { WatchEvent } from "./watch-event.ts";
import { startWatcher, type Watcher, type WatcherOptions } from "./watcher.ts";

/** `fs-watch`: Bun's recursive `fs.watch` (lean, Linux default); `chokidar`: the fallback elsewhere or on request. */
export const WATCHER_BACKENDS = ["auto", "fs-watch", "chokidar"] as const;
export type WatcherBackend = (typeof WATCHER_BACKENDS)[number];

/** `auto` is `fs-watch` on Linux, where it was measured against chokidar (ux §3.7); chokidar elsewhere. */
export function resolveWatcherBackend(backend: WatcherBackend, platform: string): "fs-watch" | "chokidar" {
  if (backend !== "auto") return backend;
  return platform === "linux" ? "fs-watch" : "chokidar";
}

function startBackend(backend: "fs-watch" | "chokidar", options: WatcherOptions): Watcher {
  return backend === "fs-watch" ? startFsWatchWatcher(options) : startWatcher(options);
}

/** Where watch events come from: inotify (Bun's `fs.watch` or chokidar), or our targeted poller for network filesystems. */
export type EventSource = {
  readonly ready: Promise<void>;
  /** For the "watching" log line: `inotify (fs-watch)`, `poll every 3 s`. */
  readonly mode: string;
  setRoots(roots: readonly string[]): Promise<void>;
  close(): Promise<void>;
};

export type EventSourceOptions = {
  readonly roots: readonly string[];
  readonly onEvent: (event: WatchEvent) => void;
  readonly now: () => number;
  /** Poll instead of inotify, with this active interval. */
  readonly pollIntervalMs?: number | undefined;
  /** Which inotify adapter. @default "auto" */
  readonly watcher?: WatcherBackend | undefined;
};

export function startEventSource(options: EventSourceOptions): EventSource {
  if (options.pollIntervalMs !== undefined) {
    const poller = startTargetedPoller({
      targets: options.roots,
      onEvent: options.onEvent,
      activeIntervalMs: options.pollIntervalMs,
      now: options.now,
      setTimer,
      clearTimer,
    });
    return {
      ready: poller.ready,
      mode: `poll every ${options.pollIntervalMs / 1000} s`,
      setRoots: (roots) => poller.setTargets(roots),
      close: () => poller.close(),
    };
  }
  let current = [...options.roots];
  const backend = resolveWatcherBackend(options.watcher ?? "auto", process.platform);
  const watcher = startBackend(backend, { roots: current, onEvent: options.onEvent });
  return {
    ready: watcher.ready,
    mode: `inotify (${backend})`,
    setRoots: async (roots) => {
      const wanted = new Set(roots);
      const dropped = current.filter((root) => !wanted.has(root));
      const added = roots.filter((root) => !current.includes(root));
      if (dropped.length > 0) watcher.unwatch(dropped);
      if (added.length > 0) watcher.add(added);
      current = [...roots];
    },
    close: () => watcher.close(),
  };
}
