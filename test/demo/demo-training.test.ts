import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { DEMO_RUNS, demoCheckpointName, demoEpochMetrics } from "../../src/core/demo/demo-runs.ts";
import { checkPathCompleteness } from "../../src/daemon/settle-probes.ts";
import { type DemoTrainingEvent, startDemoTraining } from "../../src/demo/demo-training.ts";
import { readCheckpointReport } from "../../src/io/checkpoint/read-checkpoint.ts";
import { createManualClock } from "../helpers/manual-clock.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const EPOCH_MS = 1000;

describe("demo training", () => {
  test("writes real Lightning checkpoints, keeps the top 2 by val/hmean and links last.ckpt to the newest kept", async () => {
    using dir = makeTempDir("demo-training");
    const clock = createManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
    const events: DemoTrainingEvent[] = [];
    const training = startDemoTraining({
      root: dir.path,
      epochMs: EPOCH_MS,
      ...clock,
      onEvent: (e) => events.push(e),
    });
    while (clock.runNext()) {
      // drive every timer to the end of all runs
    }
    await training.finished;
    for (const [index, run] of DEMO_RUNS.entries()) {
      const checkpoints = join(training.runDirs[index] ?? "", "checkpoints");
      const scores = Array.from({ length: run.epochs }, (_, epoch) => ({
        name: demoCheckpointName(run, epoch),
        score: demoEpochMetrics(run, epoch)["val/hmean"],
      }));
      const expectedKept = [...scores]
        .sort((a, b) => b.score - a.score)
        .slice(0, 2)
        .map((s) => s.name);
      expect(readdirSync(checkpoints).sort()).toEqual([...expectedKept, "last.ckpt"].sort());
      for (const name of expectedKept) {
        const report = readCheckpointReport(join(checkpoints, name));
        expect([report.status, report.framework, report.safety?.status]).toEqual(["ok", "lightning", "safe"]);
      }
      const last = join(checkpoints, "last.ckpt");
      const linked = existsSync(last) && readlinkSafe(last);
      const lastEpoch = run.epochs - 1;
      const lastKept = expectedKept.includes(demoCheckpointName(run, lastEpoch));
      expect(linked).toBe(lastKept ? demoCheckpointName(run, lastEpoch) : false);
      expect(readCheckpointReport(last).epoch).toBe(lastEpoch);
    }
    const finished = events.filter((e) => e.kind === "finished").map((e) => e.run);
    expect(finished.sort()).toEqual(DEMO_RUNS.map((r) => r.name).sort());
  });

  test("a checkpoint is incomplete between its two halves and complete after", () => {
    using dir = makeTempDir("demo-halves");
    const clock = createManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
    const written: string[] = [];
    const training = startDemoTraining({
      root: dir.path,
      epochMs: EPOCH_MS,
      ...clock,
      runs: DEMO_RUNS.slice(0, 1),
      onEvent: (e) => e.kind === "checkpoint-written" && written.push(e.path),
    });
    clock.advance(EPOCH_MS * 0.3);
    const [run] = DEMO_RUNS;
    if (run === undefined) throw new Error("no demo runs");
    const first = join(training.runDirs[0] ?? "", "checkpoints", demoCheckpointName(run, 0));
    expect(existsSync(first)).toBe(true);
    expect(checkPathCompleteness(first).state).toBe("incomplete");
    clock.advance(EPOCH_MS / 5);
    expect(written).toEqual([first]);
    expect(checkPathCompleteness(first).state).toBe("complete");
    training.stop();
  });
});

function readlinkSafe(path: string): string | false {
  try {
    return readlinkSync(path);
  } catch {
    return false;
  }
}
