import { describe, expect, test } from "bun:test";
import { createWorkQueue, SLICE_MS, type WorkItem, type WorkPriority } from "../../src/daemon/work-queue.ts";
import { createManualClock } from "../helpers/manual-clock.ts";

/** A queue whose jobs finish only when the test resolves them, so ordering and concurrency are observable. */
function harness(concurrency = 1) {
  const clock = createManualClock();
  const started: string[] = [];
  const finishers = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const failures: string[] = [];
  const queue = createWorkQueue<string>({
    concurrency,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    run: (item: WorkItem<string>) => {
      started.push(`${item.key}:${item.reason}`);
      return new Promise<void>((resolve, reject) => finishers.set(item.key, { resolve, reject }));
    },
    onFailure: (item, error) => failures.push(`${item.key}: ${(error as Error).message}`),
  });
  const finish = async (key: string, error?: Error) => {
    const finisher = finishers.get(key);
    finishers.delete(key);
    if (error === undefined) finisher?.resolve();
    else finisher?.reject(error);
    await Bun.sleep(0);
  };
  const add = (key: string, reason: string, priority: WorkPriority = "checkpoint") =>
    queue.enqueue({ key, reason, priority });
  return { clock, queue, started, finish, failures, add };
}

describe("createWorkQueue", () => {
  test("a key queued twice runs once with the latest reason", async () => {
    const { queue, started, finish, add } = harness();
    add("busy", "first");
    add("/a.pt", "added");
    add("/a.pt", "changed");
    expect(queue.stats()).toMatchObject({ queued: 1, inFlight: 1 });
    await finish("busy");
    await finish("/a.pt");
    expect(started).toEqual(["busy:first", "/a.pt:changed"]);
  });

  test("a key enqueued while it runs runs once more afterwards", async () => {
    const { started, finish, add } = harness();
    add("/a.pt", "one");
    add("/a.pt", "two");
    add("/a.pt", "three");
    await finish("/a.pt");
    await finish("/a.pt");
    expect(started).toEqual(["/a.pt:one", "/a.pt:three"]);
  });

  test("checkpoints run before metric re-assembly and background work; FIFO within a priority", async () => {
    const { started, finish, add } = harness();
    add("busy", "x");
    add("metrics.csv", "m", "metrics");
    add("reconcile", "r", "background");
    add("/b.pt", "b");
    add("/c.pt", "c");
    add("metrics.csv", "m2", "checkpoint");
    for (const key of ["busy", "/b.pt", "/c.pt", "metrics.csv", "reconcile"]) await finish(key);
    expect(started).toEqual(["busy:x", "/b.pt:b", "/c.pt:c", "metrics.csv:m2", "reconcile:r"]);
  });

  test("concurrency is bounded; failures are counted and do not stop the queue", async () => {
    const { queue, started, finish, failures, add } = harness(2);
    for (const key of ["/1", "/2", "/3", "/4"]) add(key, "n");
    expect(queue.stats().inFlight).toBe(2);
    expect(started.length).toBe(2);
    await finish("/1", new Error("unreadable"));
    await finish("/2");
    await finish("/3");
    await finish("/4");
    const drained = queue.drain();
    await drained;
    expect(failures).toEqual(["/1: unreadable"]);
    expect(queue.stats()).toMatchObject({ queued: 0, inFlight: 0, processed: 4, failed: 1 });
    expect(queue.stats().lastFailure).toMatchObject({ key: "/1", message: "unreadable" });
  });

  test("cancel drops queued work", async () => {
    const { queue, started, finish, add } = harness();
    add("busy", "x");
    add("/gone.pt", "added");
    expect(queue.cancel("/gone.pt")).toBe(true);
    await finish("busy");
    expect(started).toEqual(["busy:x"]);
  });

  test("close drops queued work and waits for in-flight work up to the deadline", async () => {
    const { queue, finish, add, clock } = harness(1);
    add("/a", "x");
    add("/b", "x");
    const closing = queue.close(5000);
    add("/c", "late");
    await finish("/a");
    expect(await closing).toEqual({ finished: true, dropped: 1, abandoned: 0 });

    const second = harness(1);
    second.add("/slow", "x");
    const stuck = second.queue.close(5000);
    second.clock.advance(5000);
    expect(await stuck).toEqual({ finished: false, dropped: 0, abandoned: 1 });
    expect(clock.pending()).toBe(0);
  });

  test("items that finish at once run in slices: after SLICE_MS back to back, the event loop gets a turn", async () => {
    const clock = createManualClock();
    const started: string[] = [];
    const turns: (() => void)[] = [];
    const queue = createWorkQueue<string>({
      concurrency: 1,
      now: clock.now,
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      yieldToLoop: (resume) => void turns.push(resume),
      // Each item takes 40% of a slice of synchronous work and resolves without waiting on anything.
      run: async (item) => {
        started.push(item.key);
        clock.advance((SLICE_MS * 2) / 5);
      },
    });
    for (const key of ["/1", "/2", "/3", "/4", "/5"])
      queue.enqueue({ key, priority: "checkpoint", reason: "x" });
    await Bun.sleep(0);
    expect({ started, turns: turns.length }).toEqual({ started: ["/1", "/2", "/3"], turns: 1 });
    turns.shift()?.();
    await Bun.sleep(0);
    // A new slice: /4 and /5 take 80% of it, and with nothing left there is no turn to ask for.
    expect({ started, turns: turns.length }).toEqual({ started: ["/1", "/2", "/3", "/4", "/5"], turns: 0 });
    // A stop while the queue waits for its turn: nothing more starts.
    for (const key of ["/6", "/7", "/8", "/9"]) queue.enqueue({ key, priority: "checkpoint", reason: "x" });
    await Bun.sleep(0);
    expect(turns.length).toBe(1);
    expect(await queue.close(0)).toEqual({ finished: true, dropped: 1, abandoned: 0 });
    turns.shift()?.();
    expect(started).toEqual(["/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8"]);
  });
});
