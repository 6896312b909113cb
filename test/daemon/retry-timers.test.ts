import { describe, expect, test } from "bun:test";
import type { DaemonJob } from "../../src/daemon/daemon-jobs.ts";
import { createRetryTimers } from "../../src/daemon/retry-timers.ts";
import { createManualClock } from "../helpers/manual-clock.ts";

const job = (path: string): DaemonJob => ({ kind: "index", path });

function setup(options: { maxKeys?: number } = {}) {
  const clock = createManualClock(0);
  const ran: { at: number; path: string }[] = [];
  const retries = createRetryTimers({
    enqueue: (queued) => {
      if (queued.kind === "index") ran.push({ at: clock.now(), path: queued.path });
    },
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    ...options,
  });
  return { clock, ran, retries };
}

describe("retry timers: backoff for writes the disk refused", () => {
  test("each failure doubles the delay, 5 s to 160 s; past 5 minutes the reconcile retries instead", () => {
    const { clock, ran, retries } = setup();
    const delays: (number | null)[] = [];
    for (let failure = 0; failure < 7; failure++) {
      delays.push(retries.schedule("sidecar:/r/a.pt", job("/r/a.pt")));
      clock.runNext();
    }
    expect(delays).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 160_000, null]);
    expect(ran.map((run) => run.at)).toEqual([5000, 15_000, 35_000, 75_000, 155_000, 315_000]);
    expect(retries.pending()).toBe(0);
  });

  test("success forgets the failures and cancels the retry still waiting", () => {
    const { clock, ran, retries } = setup();
    retries.schedule("sidecar:/r/a.pt", job("/r/a.pt"));
    retries.schedule("sidecar:/r/b.pt", job("/r/b.pt"));
    retries.succeeded("sidecar:/r/a.pt");
    clock.advance(60_000);
    expect(ran).toEqual([{ at: 5000, path: "/r/b.pt" }]);
    expect(retries.schedule("sidecar:/r/a.pt", job("/r/a.pt"))).toBe(5000);
  });

  test("a second failure while a retry waits replaces it; beyond maxKeys and after close nothing is scheduled", () => {
    const { clock, ran, retries } = setup({ maxKeys: 1 });
    expect(retries.schedule("k:a", job("/a"))).toBe(5000);
    expect(retries.schedule("k:a", job("/a"))).toBe(10_000);
    expect(retries.schedule("k:b", job("/b"))).toBeNull();
    clock.advance(60_000);
    expect(ran).toEqual([{ at: 10_000, path: "/a" }]);
    retries.close();
    expect(retries.schedule("k:a", job("/a"))).toBeNull();
  });
});
