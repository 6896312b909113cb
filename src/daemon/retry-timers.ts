import type { DaemonJob } from "./daemon-jobs.ts";
import type { TimerHandle } from "./settle-scheduler.ts";

export type RetryTimersOptions = {
  readonly enqueue: (job: DaemonJob) => void;
  readonly setTimer: (callback: () => void, delayMs: number) => TimerHandle;
  readonly clearTimer: (handle: TimerHandle) => void;
  /** The first retry's delay; each failure doubles it. @default 5000 */
  readonly firstDelayMs?: number;
  /** No timer past this: the periodic reconcile (every 5 minutes) retries from there on. @default 300_000 */
  readonly lastDelayMs?: number;
  /** Keys remembered at most; beyond them only the reconcile retries. @default 10_000 */
  readonly maxKeys?: number;
};

export type RetryTimers = {
  /**
   * `job` failed for a reason time may fix (a full disk, a read-only mount): run it again after a backoff that
   * doubles with each failure of `key`. Returns the delay, or null when the reconcile is left to retry it.
   */
  schedule(key: string, job: DaemonJob): number | null;
  /** `key` worked (or its path is gone): forget its failures and cancel a retry still waiting. */
  succeeded(key: string): void;
  /** Keys with a retry waiting. */
  pending(): number;
  close(): void;
};

type Failing = { failures: number; timer: TimerHandle | undefined };

/** Backoff timers per key for the daemon's failed writes; the work queue runs the retried jobs. */
export function createRetryTimers(options: RetryTimersOptions): RetryTimers {
  const firstDelayMs = options.firstDelayMs ?? 5000;
  const lastDelayMs = options.lastDelayMs ?? 300_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const failing = new Map<string, Failing>();
  let closed = false;
  const cancel = (entry: Failing | undefined) => {
    if (entry?.timer !== undefined) options.clearTimer(entry.timer);
  };
  return {
    schedule(key, job) {
      const entry = failing.get(key) ?? { failures: 0, timer: undefined };
      if (closed || (!failing.has(key) && failing.size >= maxKeys)) return null;
      const delayMs = firstDelayMs * 2 ** entry.failures;
      if (delayMs > lastDelayMs) return null;
      cancel(entry);
      entry.failures++;
      entry.timer = options.setTimer(() => {
        entry.timer = undefined;
        if (!closed) options.enqueue(job);
      }, delayMs);
      failing.set(key, entry);
      return delayMs;
    },
    succeeded(key) {
      cancel(failing.get(key));
      failing.delete(key);
    },
    pending: () => [...failing.values()].filter((entry) => entry.timer !== undefined).length,
    close() {
      closed = true;
      for (const entry of failing.values()) cancel(entry);
      failing.clear();
    },
  };
}
