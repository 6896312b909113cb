import type { TimerHandle } from "./settle-scheduler.ts";
import { startTargetedPoller } from "./targeted-poller.ts";
import type { WatchEvent } from "./watch-event.ts";
import { startWatcher } from "./watcher.ts";

/** Where watch events come from: chokidar (inotify), or our targeted poller for network filesystems. */
export type EventSource = {
  readonly ready: Promise<void>;
  setRoots(roots: readonly string[]): Promise<void>;
  close(): Promise<void>;
};

export type EventSourceOptions = {
  readonly roots: readonly string[];
  readonly onEvent: (event: WatchEvent) => void;
  readonly now: () => number;
  /** Poll instead of inotify, with this active interval. */
  readonly pollIntervalMs?: number;
};

const setTimer = (callback: () => void, delayMs: number): TimerHandle => setTimeout(callback, delayMs);
const clearTimer = (handle: TimerHandle): void => clearTimeout(handle as ReturnType<typeof setTimeout>);

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
      setRoots: (roots) => poller.setTargets(roots),
      close: () => poller.close(),
    };
  }
  let current = [...options.roots];
  const watcher = startWatcher({ roots: current, onEvent: options.onEvent });
  return {
    ready: watcher.ready,
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
