type Timer = { readonly id: number; readonly at: number; readonly callback: () => void };

/** Injected clock + timers for code that takes `now`/`setTimer`/`clearTimer`: time moves only on `advance`. */
export type ManualClock = {
  readonly now: () => number;
  readonly setTimer: (callback: () => void, delayMs: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
  /** Moves time forward, firing due timers in order (timers set by callbacks fire too if due). */
  advance(ms: number): void;
  /** Advances to the next timer and fires it; false when none is pending. */
  runNext(): boolean;
  pending(): number;
};

export function createManualClock(start = 1_000_000): ManualClock {
  let time = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  const earliest = (): Timer | undefined => {
    let best: Timer | undefined;
    for (const timer of timers.values())
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.id < best.id))
        best = timer;
    return best;
  };
  const fire = (timer: Timer): void => {
    timers.delete(timer.id);
    time = Math.max(time, timer.at);
    timer.callback();
  };
  return {
    now: () => time,
    setTimer(callback, delayMs) {
      const id = nextId++;
      timers.set(id, { id, at: time + Math.max(0, delayMs), callback });
      return id;
    },
    clearTimer(handle) {
      if (typeof handle === "number") timers.delete(handle);
    },
    advance(ms) {
      const until = time + ms;
      for (let timer = earliest(); timer !== undefined && timer.at <= until; timer = earliest()) fire(timer);
      time = until;
    },
    runNext() {
      const timer = earliest();
      if (timer === undefined) return false;
      fire(timer);
      return true;
    },
    pending: () => timers.size,
  };
}
