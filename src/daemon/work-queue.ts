import type { TimerHandle } from "./settle-scheduler.ts";

/** Lower runs first: a settled checkpoint is indexed before metric-file re-assembly and background reconcile. */
export const WORK_PRIORITIES = { checkpoint: 0, metrics: 1, background: 2 } as const;
export type WorkPriority = keyof typeof WORK_PRIORITIES;

export type WorkItem<Reason> = {
  /** Coalescing key, normally the path. */
  readonly key: string;
  readonly priority: WorkPriority;
  readonly reason: Reason;
};

export type WorkQueueStats = {
  readonly queued: number;
  readonly inFlight: number;
  readonly processed: number;
  readonly failed: number;
  /** When work was last enqueued (epoch ms), undefined before the first. */
  readonly lastEnqueuedAt: number | undefined;
  readonly lastFailure: { readonly key: string; readonly message: string; readonly at: number } | undefined;
};

export type CloseResult = {
  /** Every in-flight item finished before the deadline. */
  readonly finished: boolean;
  /** Queued items dropped unstarted (the next reconcile scan picks them up). */
  readonly dropped: number;
  /** Items still running when the deadline passed. */
  readonly abandoned: number;
};

export type WorkQueueOptions<Reason> = {
  readonly run: (item: WorkItem<Reason>) => Promise<void>;
  /** A failed item is counted and reported here; the queue keeps going. */
  readonly onFailure?: (item: WorkItem<Reason>, error: unknown) => void;
  /** Items run at once; the daemon stays small beside training. @default 2 */
  readonly concurrency?: number;
  readonly now: () => number;
  readonly setTimer: (callback: () => void, delayMs: number) => TimerHandle;
  readonly clearTimer: (handle: TimerHandle) => void;
  /** Lets the event loop turn, then calls `resume`. @default setImmediate */
  readonly yieldToLoop?: (resume: () => void) => void;
};

/**
 * The longest run of items started back to back before the queue lets the event loop turn. An item that does not
 * wait on I/O (a removal batch, a read served from cache) finishes in a microtask, and the next starts in the
 * next one: without a turn, signals, the control socket and watch events would wait for the whole queue.
 */
export const SLICE_MS = 50;

export type WorkQueue<Reason> = {
  /**
   * Queue `item`. A key already queued keeps one place with the latest reason and the more urgent priority; a key
   * running now runs once more afterwards with the latest reason. Ignored after `close`.
   */
  enqueue(item: WorkItem<Reason>): void;
  /** Drop a queued (not running) item, e.g. its file was deleted. True when something was dropped. */
  cancel(key: string): boolean;
  stats(): WorkQueueStats;
  /** Resolves when nothing is queued or running. */
  drain(): Promise<void>;
  /** Stop taking work, drop what is queued, wait for in-flight work up to `deadlineMs`. */
  close(deadlineMs: number): Promise<CloseResult>;
};

type Counters = { processed: number; failed: number; lastEnqueuedAt: number | undefined };

/** Per-key coalescing, priority order, bounded concurrency, graceful close. */
export function createWorkQueue<Reason>(options: WorkQueueOptions<Reason>): WorkQueue<Reason> {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const queued = createPriorityMaps<Reason>();
  const running = new Set<string>();
  const rerun = new Map<string, WorkItem<Reason>>();
  const counters: Counters = { processed: 0, failed: 0, lastEnqueuedAt: undefined };
  let lastFailure: WorkQueueStats["lastFailure"];
  let idleWaiters: (() => void)[] = [];
  let closed = false;
  const yieldToLoop = options.yieldToLoop ?? ((resume: () => void) => void setImmediate(resume));
  let sliceStartedAt = options.now();
  let yielding = false;

  /** Starts the next items now, or after a turn of the event loop once this slice is used up. */
  const continueSoon = (): void => {
    if (options.now() - sliceStartedAt < SLICE_MS) {
      pump();
      return;
    }
    if (yielding || queued.size === 0) return;
    yielding = true;
    yieldToLoop(() => {
      yielding = false;
      sliceStartedAt = options.now();
      pump();
    });
  };

  const settleIdle = (): void => {
    if (queued.size > 0 || running.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const finish = (item: WorkItem<Reason>, error: unknown, failed: boolean): void => {
    running.delete(item.key);
    counters.processed++;
    if (failed) {
      counters.failed++;
      const message = error instanceof Error ? error.message : String(error);
      lastFailure = { key: item.key, message, at: options.now() };
      options.onFailure?.(item, error);
    }
    const again = rerun.get(item.key);
    rerun.delete(item.key);
    if (again !== undefined && !closed) queued.put(again);
    continueSoon();
    settleIdle();
  };

  const start = (item: WorkItem<Reason>): void => {
    running.add(item.key);
    let promise: Promise<void>;
    try {
      promise = options.run(item);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      () => finish(item, undefined, false),
      (error: unknown) => finish(item, error, true),
    );
  };

  function pump(): void {
    while (!closed && !yielding && running.size < concurrency) {
      const item = queued.first();
      if (item === undefined) return;
      start(item);
    }
  }

  return {
    enqueue(item) {
      if (closed) return;
      counters.lastEnqueuedAt = options.now();
      // Work arriving at an idle queue comes from an event: the loop has just turned.
      if (running.size === 0 && queued.size === 0) sliceStartedAt = counters.lastEnqueuedAt;
      if (running.has(item.key)) {
        rerun.set(item.key, mergeItems(rerun.get(item.key), item));
        return;
      }
      queued.put(mergeItems(queued.take(item.key), item));
      pump();
    },
    cancel(key) {
      rerun.delete(key);
      return queued.take(key) !== undefined;
    },
    stats: () => ({
      queued: queued.size + rerun.size,
      inFlight: running.size,
      processed: counters.processed,
      failed: counters.failed,
      lastEnqueuedAt: counters.lastEnqueuedAt,
      lastFailure,
    }),
    drain() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    close(deadlineMs) {
      closed = true;
      const dropped = queued.size + rerun.size;
      queued.clear();
      rerun.clear();
      return waitForRunning({ running, deadlineMs, dropped, options, addWaiter: (w) => idleWaiters.push(w) });
    },
  };
}

type PriorityMaps<Reason> = {
  readonly size: number;
  put(item: WorkItem<Reason>): void;
  /** Removes and returns the queued item for `key`. */
  take(key: string): WorkItem<Reason> | undefined;
  /** Removes and returns the most urgent item, first-in first-out within a priority. */
  first(): WorkItem<Reason> | undefined;
  clear(): void;
};

/** One insertion-ordered map per priority: O(1) enqueue, coalesce and dequeue for 10k-file bursts. */
function createPriorityMaps<Reason>(): PriorityMaps<Reason> {
  const levels = (Object.keys(WORK_PRIORITIES) as WorkPriority[])
    .sort((a, b) => WORK_PRIORITIES[a] - WORK_PRIORITIES[b])
    .map(() => new Map<string, WorkItem<Reason>>());
  const levelOf = (priority: WorkPriority) => levels[WORK_PRIORITIES[priority]] ?? new Map();
  return {
    get size() {
      return levels.reduce((total, level) => total + level.size, 0);
    },
    put: (item) => void levelOf(item.priority).set(item.key, item),
    take(key) {
      for (const level of levels) {
        const item = level.get(key);
        if (item !== undefined) {
          level.delete(key);
          return item;
        }
      }
      return undefined;
    },
    first() {
      for (const level of levels)
        for (const [key, item] of level) {
          level.delete(key);
          return item;
        }
      return undefined;
    },
    clear: () => {
      for (const level of levels) level.clear();
    },
  };
}

function rank(item: WorkItem<unknown>): number {
  return WORK_PRIORITIES[item.priority];
}

/** The latest reason wins; the more urgent priority is kept. */
function mergeItems<Reason>(
  existing: WorkItem<Reason> | undefined,
  item: WorkItem<Reason>,
): WorkItem<Reason> {
  if (existing === undefined || rank(item) <= rank(existing)) return item;
  return { ...item, priority: existing.priority };
}

type WaitInput = {
  readonly running: ReadonlySet<string>;
  readonly deadlineMs: number;
  readonly dropped: number;
  readonly options: Pick<WorkQueueOptions<unknown>, "setTimer" | "clearTimer">;
  readonly addWaiter: (waiter: () => void) => void;
};

function waitForRunning(input: WaitInput): Promise<CloseResult> {
  const { running, dropped, options } = input;
  if (running.size === 0) return Promise.resolve({ finished: true, dropped, abandoned: 0 });
  return new Promise((resolve) => {
    const timer = options.setTimer(
      () => resolve({ finished: false, dropped, abandoned: running.size }),
      input.deadlineMs,
    );
    input.addWaiter(() => {
      options.clearTimer(timer);
      resolve({ finished: true, dropped, abandoned: 0 });
    });
  });
}
