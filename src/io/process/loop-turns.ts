// Long synchronous passes (a walk of 200k files, a batch of reads) give the event loop a turn now and then, so
// that a signal, the control socket or a watch event is not kept waiting for the whole pass.

/** Resolves after one turn of the event loop. */
export function turnOfEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type TurnTaker = {
  /** Takes a turn of the event loop when `everyMs` have passed since the last. */
  maybeTurn(): Promise<void>;
};

/** For a loop of synchronous steps: `await turns.maybeTurn()` between steps. */
export function createTurnTaker(everyMs = 20): TurnTaker {
  let turnedAt = performance.now();
  return {
    async maybeTurn() {
      if (performance.now() - turnedAt < everyMs) return;
      await turnOfEventLoop();
      turnedAt = performance.now();
    },
  };
}
