import type { TimerHandle } from "./settle-scheduler.ts";

// The real timers behind the `setTimer`/`clearTimer` seams of the scheduler, the queue and the loop.

export const setTimer = (callback: () => void, delayMs: number): TimerHandle => setTimeout(callback, delayMs);

export const clearTimer = (handle: TimerHandle): void =>
  clearTimeout(handle as ReturnType<typeof setTimeout>);
