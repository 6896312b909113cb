import { resolve } from "node:path";
import {
  type DirectorySnapshot,
  nodePollerFs,
  type PollerFs,
  pollDirectory,
  type SnapshotContext,
  scanDirectory,
  tryStat,
  type Walk,
} from "./poll-snapshot.ts";
import type { TimerHandle } from "./settle-scheduler.ts";
import type { WatchErrorEvent, WatchEvent } from "./watch-event.ts";

export type TargetedPollerOptions = {
  /** Run directories (and roots) to poll; each is walked up to `depth` levels, skipping nested targets. */
  readonly targets: readonly string[];
  readonly onEvent: (event: WatchEvent) => void;
  /** @default onEvent */
  readonly onError?: (event: WatchErrorEvent) => void;
  /** Poll interval of a target that changed recently (`--poll=SECONDS`). @default 3000 */
  readonly activeIntervalMs?: number;
  /** Interval an idle target backs off to, doubling from the active one. @default 60_000 */
  readonly idleIntervalMs?: number;
  /** A target that changed within this window stays at the active interval. @default 600_000 */
  readonly activeWindowMs?: number;
  /** @default 12 */
  readonly depth?: number;
  readonly now: () => number;
  readonly setTimer: (callback: () => void, delayMs: number) => TimerHandle;
  readonly clearTimer: (handle: TimerHandle) => void;
  readonly fs?: PollerFs;
};

export type TargetedPoller = {
  /** Resolves once every initial target has its baseline (nothing is reported for what already exists). */
  readonly ready: Promise<void>;
  /** Poll every target now (tests, SIGHUP rescan); resolves when done. */
  pollOnce(): Promise<void>;
  /** Replace the targets: new ones get a silent baseline, dropped ones are forgotten. */
  setTargets(targets: readonly string[]): Promise<void>;
  stats(): { readonly targets: number; readonly directories: number; readonly files: number };
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

type Target = {
  readonly root: string;
  readonly directories: Map<string, DirectorySnapshot>;
  intervalMs: number;
  lastChangeAt: number;
  timer: TimerHandle | undefined;
  polling: Promise<void> | undefined;
};

/** Everything one poller instance shares; module functions take it instead of closing over it. */
type Poller = {
  readonly options: TargetedPollerOptions;
  readonly snapshot: SnapshotContext;
  readonly activeMs: number;
  readonly idleMs: number;
  readonly windowMs: number;
  readonly targets: Map<string, Target>;
  closed: boolean;
};

async function pollTarget(poller: Poller, target: Target, report: boolean): Promise<void> {
  const active = poller.options.now() - target.lastChangeAt < poller.windowMs;
  const walk: Walk = {
    context: poller.snapshot,
    directories: target.directories,
    report,
    restatFiles: active,
    changed: false,
  };
  if (target.directories.has(target.root)) await pollDirectory(walk, { path: target.root, depth: 0 });
  else {
    const stat = await tryStat(poller.snapshot, target.root);
    if (stat?.isDirectory) await scanDirectory(walk, { path: target.root, stat, depth: 0 });
  }
  const now = poller.options.now();
  if (walk.changed && report) target.lastChangeAt = now;
  // The baseline of a run last written a week ago must not poll it as active for the next ten minutes: the
  // newest mtime in it says when it last changed (100k checkpoints polled every 3 s cost ~45 % of a core).
  if (!report) target.lastChangeAt = Math.min(now, newestMtime(target.directories));
  target.intervalMs = nextPollInterval({
    ...poller,
    currentMs: target.intervalMs,
    idleForMs: now - target.lastChangeAt,
  });
}

function newestMtime(directories: ReadonlyMap<string, DirectorySnapshot>): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const snapshot of directories.values()) {
    newest = Math.max(newest, snapshot.stat.mtimeMs);
    for (const file of snapshot.files.values()) newest = Math.max(newest, file.stat.mtimeMs);
  }
  return newest;
}

export type PollIntervalInput = {
  readonly currentMs: number;
  /** Time since the target last changed. */
  readonly idleForMs: number;
  readonly activeMs: number;
  readonly idleMs: number;
  readonly windowMs: number;
};

/** Active targets poll at `activeMs`; once idle past the window, the interval doubles up to `idleMs`. */
export function nextPollInterval(input: PollIntervalInput): number {
  if (input.idleForMs < input.windowMs) return input.activeMs;
  return Math.min(input.idleMs, Math.max(input.activeMs, input.currentMs * 2));
}

function runPoll(poller: Poller, target: Target, report: boolean): Promise<void> {
  target.polling ??= pollTarget(poller, target, report).finally(() => {
    target.polling = undefined;
    schedule(poller, target);
  });
  return target.polling;
}

function schedule(poller: Poller, target: Target): void {
  if (poller.closed || poller.targets.get(target.root) !== target) return;
  if (target.timer !== undefined) poller.options.clearTimer(target.timer);
  target.timer = poller.options.setTimer(() => {
    target.timer = undefined;
    void runPoll(poller, target, true);
  }, target.intervalMs);
}

async function setTargets(poller: Poller, wanted: readonly string[]): Promise<void> {
  const roots = new Set(wanted.map((target) => resolve(target)));
  for (const [root, target] of poller.targets)
    if (!roots.has(root)) {
      if (target.timer !== undefined) poller.options.clearTimer(target.timer);
      poller.targets.delete(root);
    }
  const added: Target[] = [];
  for (const root of roots) {
    if (poller.targets.has(root)) continue;
    const target: Target = {
      root,
      directories: new Map(),
      intervalMs: poller.activeMs,
      lastChangeAt: poller.options.now(),
      timer: undefined,
      polling: undefined,
    };
    poller.targets.set(root, target);
    added.push(target);
  }
  await Promise.all(added.map((target) => runPoll(poller, target, false)));
}

async function closePoller(poller: Poller): Promise<void> {
  poller.closed = true;
  for (const target of poller.targets.values())
    if (target.timer !== undefined) poller.options.clearTimer(target.timer);
  await Promise.all([...poller.targets.values()].map((target) => target.polling));
  poller.targets.clear();
}

function countSnapshot(poller: Poller): { targets: number; directories: number; files: number } {
  let directories = 0;
  let files = 0;
  for (const target of poller.targets.values())
    for (const snapshot of target.directories.values()) {
      directories++;
      files += snapshot.files.size;
    }
  return { targets: poller.targets.size, directories, files };
}

/**
 * `--poll` mode for NFS/Lustre, where inotify never sees other hosts' writes: our own poller over known run
 * directories (ux §3.3), not chokidar's polling backend (150 % CPU and 1 GB on 100k files). Each poll stats the
 * known directories, re-reads only those whose mtime/ino changed, and stats the files worth watching; active
 * targets poll every few seconds, idle ones back off to about a minute. Emits the same `WatchEvent`s as the watcher.
 */
export function startTargetedPoller(options: TargetedPollerOptions): TargetedPoller {
  const activeMs = options.activeIntervalMs ?? 3000;
  const targets = new Map<string, Target>();
  const poller: Poller = {
    options,
    snapshot: {
      fs: options.fs ?? nodePollerFs,
      onEvent: options.onEvent,
      onError: options.onError ?? options.onEvent,
      depthLimit: options.depth ?? 12,
      isTarget: (path) => targets.has(path),
      isClosed: () => poller.closed,
      reportedErrors: new Set(),
    },
    activeMs,
    idleMs: Math.max(activeMs, options.idleIntervalMs ?? 60_000),
    windowMs: options.activeWindowMs ?? 600_000,
    targets,
    closed: false,
  };
  const ready = setTargets(poller, options.targets).then(() => {
    if (!poller.closed) options.onEvent({ kind: "ready" });
  });
  const targetList = () => [...poller.targets.values()];
  const close = () => closePoller(poller);
  return {
    ready,
    pollOnce: async () => {
      await Promise.all(targetList().map((target) => target.polling));
      await Promise.all(targetList().map((target) => runPoll(poller, target, true)));
    },
    setTargets: (wanted) => setTargets(poller, wanted),
    stats: () => countSnapshot(poller),
    close,
    [Symbol.asyncDispose]: close,
  };
}
