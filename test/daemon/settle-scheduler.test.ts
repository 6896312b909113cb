import { describe, expect, test } from "bun:test";
import type { PathIdentity } from "../../src/core/daemon/settle-plan.ts";
import type { CompletenessState } from "../../src/core/formats/completeness.ts";
import { createSettleScheduler, type SettleOutcome } from "../../src/daemon/settle-scheduler.ts";
import { createManualClock } from "../helpers/manual-clock.ts";

type FakeFile = { identity: PathIdentity; state: CompletenessState };

/** A scheduler over an in-memory "disk" and a manual clock: time moves only when the test says so. */
function harness() {
  const clock = createManualClock();
  const disk = new Map<string, FakeFile>();
  const outcomes: SettleOutcome[] = [];
  const looks: string[] = [];
  const scheduler = createSettleScheduler({
    stat: (path) => disk.get(path)?.identity,
    checkCompleteness: (path) => {
      looks.push(path);
      const state = disk.get(path)?.state ?? "incomplete";
      return { state, reason: state };
    },
    onOutcome: (outcome) => outcomes.push(outcome),
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  const put = (path: string, size: number, state: CompletenessState) =>
    disk.set(path, { identity: { size, mtimeMs: size, ino: 1 }, state });
  const kinds = () => outcomes.map((outcome) => `${outcome.kind} ${outcome.path}`);
  return { clock, disk, outcomes, looks, scheduler, put, kinds };
}

describe("createSettleScheduler", () => {
  test("hints debounce; a complete, stable file is ready once", () => {
    const { clock, scheduler, put, kinds, looks } = harness();
    put("/a.pt", 10, "complete");
    scheduler.notice("/a.pt");
    // The first look is taken at once; the second, which must agree, a quiet period later.
    expect(looks).toEqual(["/a.pt"]);
    expect(kinds()).toEqual([]);
    clock.advance(50);
    scheduler.notice("/a.pt");
    scheduler.notice("/a.pt");
    expect(kinds()).toEqual([]);
    clock.advance(50);
    expect(kinds()).toEqual(["ready /a.pt"]);
    clock.advance(1000);
    expect(kinds()).toEqual(["ready /a.pt"]);
    // The second look found the same size/mtime/inode, so the format's verdict on those bytes was reused.
    expect(looks).toEqual(["/a.pt"]);
    expect(clock.pending()).toBe(0);
    expect(scheduler.stats()).toEqual({ pending: 0, incomplete: 0, settled: 1 });
  });

  test("a file that changed between the two looks is checked again, and settles on the new bytes", () => {
    const { clock, scheduler, put, kinds, looks, outcomes } = harness();
    put("/c.pt", 10, "complete");
    scheduler.notice("/c.pt");
    expect(looks).toEqual(["/c.pt"]);
    clock.advance(50);
    put("/c.pt", 20, "complete");
    clock.advance(50);
    expect(kinds()).toEqual([]);
    clock.advance(100);
    expect(kinds()).toEqual(["ready /c.pt"]);
    expect(looks).toEqual(["/c.pt", "/c.pt"]);
    expect(outcomes[0]?.kind === "ready" ? outcomes[0].identity.size : undefined).toBe(20);
  });

  test("incomplete retries with backoff and is never ready; a hint pulls the next look forward", () => {
    const { clock, scheduler, put, outcomes } = harness();
    put("/b.pt", 5, "incomplete");
    scheduler.notice("/b.pt");
    clock.advance(100 + 500 + 1000);
    expect(outcomes.map((outcome) => (outcome.kind === "retrying" ? outcome.delayMs : outcome.kind))).toEqual(
      [500, 1000, 2000],
    );
    expect(scheduler.stats()).toEqual({ pending: 1, incomplete: 1, settled: 0 });
    put("/b.pt", 9, "complete");
    scheduler.notice("/b.pt");
    clock.advance(100);
    clock.advance(100);
    expect(outcomes.at(-1)).toEqual({
      kind: "ready",
      path: "/b.pt",
      identity: { size: 9, mtimeMs: 9, ino: 1 },
      completeness: { state: "complete", reason: "complete" },
    });
  });

  test("a file still being written when the hint comes is left alone for a quiet period, not retried", () => {
    const { clock, scheduler, put, outcomes, looks } = harness();
    put("/w.pt", 5, "incomplete");
    scheduler.notice("/w.pt");
    expect(looks).toEqual(["/w.pt"]);
    expect(outcomes).toEqual([]);
    put("/w.pt", 9, "complete");
    clock.advance(100);
    expect(outcomes).toEqual([]);
    clock.advance(100);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["ready"]);
  });

  test("a file rewritten after it settled settles again; a no-op hint does not re-report", () => {
    const { clock, scheduler, put, kinds } = harness();
    put("/last.pt", 100, "complete");
    scheduler.notice("/last.pt");
    clock.advance(1000);
    scheduler.notice("/last.pt");
    clock.advance(1000);
    put("/last.pt", 40, "complete");
    scheduler.notice("/last.pt");
    clock.advance(1000);
    expect(kinds()).toEqual(["ready /last.pt", "ready /last.pt"]);
  });

  test("removal cancels pending work; a vanished path is cancelled too", () => {
    const { clock, scheduler, put, disk, outcomes } = harness();
    put("/c.pt", 5, "incomplete");
    put("/d.pt", 5, "incomplete");
    scheduler.notice("/c.pt");
    scheduler.notice("/d.pt");
    clock.advance(100);
    scheduler.forget("/c.pt");
    disk.delete("/d.pt");
    clock.advance(10_000);
    expect(outcomes.filter((outcome) => outcome.kind === "cancelled")).toEqual([
      { kind: "cancelled", path: "/c.pt", reason: "removed" },
      { kind: "cancelled", path: "/d.pt", reason: "vanished" },
    ]);
    expect(clock.pending()).toBe(0);
  });

  test("a writer that stalls for good is abandoned after giveUpAfterMs", () => {
    const { clock, scheduler, put, outcomes } = harness();
    put("/e.pt", 5, "incomplete");
    scheduler.notice("/e.pt");
    while (clock.runNext());
    expect(outcomes.at(-1)).toMatchObject({ kind: "abandoned", path: "/e.pt" });
    expect(outcomes.filter((outcome) => outcome.kind === "retrying").length).toBeGreaterThan(55);
    expect(outcomes.some((outcome) => outcome.kind === "ready")).toBe(false);
  });

  test("close cancels every timer", () => {
    const { clock, scheduler, put } = harness();
    put("/f.pt", 5, "incomplete");
    scheduler.notice("/f.pt");
    scheduler.close();
    expect(clock.pending()).toBe(0);
    scheduler.notice("/f.pt");
    expect(clock.pending()).toBe(0);
  });
});
