// Issue 14 item 6: the daemon took 2.35 GB and was unresponsive for 25 s on a 2 KB shared-list pickle, and parsed a
// 40 MB metrics.csv again for every new checkpoint (3.0 GB). A real daemon process, real files: its peak RSS stays
// bounded, a growing metrics.csv is read on from where it stopped, and the values stay exact.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DaemonEnvironment, runCkpt, startDaemonReady, withCatalog } from "../helpers/daemon-process.ts";
import { peakRssOf } from "../helpers/measured-process.ts";
import {
  appendMetricsRows,
  sharedListCheckpoint,
  writeMetricsCsvRun,
  writeStepCheckpoint,
} from "../helpers/oversize-inputs.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// A daemon idles near 60 MB; before the fix these runs peaked at gigabytes.
const RSS_BUDGET = 300 * 1024 * 1024;
const STEPS_PER_EPOCH = 10_000;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setUp(prefix: string): { environment: DaemonEnvironment; runs: string } {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  return { environment: { home: dir.path, catalog: join(dir.path, "state", "catalog.db") }, runs };
}

function statusOf(catalog: string, path: string): string | undefined {
  return (
    withCatalog(
      catalog,
      (db) =>
        db.query<{ status: string }, [string]>("SELECT status FROM checkpoints WHERE path = ?").get(path)
          ?.status,
    ) ?? undefined
  );
}

/** The sidecar's additional_metrics, once the sidecar records metrics logged at `step`. */
function metricsAt(sidecar: string, step: number): Record<string, number> | undefined {
  if (!existsSync(sidecar)) return undefined;
  const text = readFileSync(sidecar, "utf8");
  if (!text.includes(`metrics.csv@step=${step}`)) return undefined;
  const block = /additional_metrics:\n((?: {4}.*\n)+)/.exec(text)?.[1] ?? "";
  return Object.fromEntries(
    block
      .trim()
      .split("\n")
      .map((line) => line.trim().split(": "))
      .map(([name, value]) => [name, Number(value)]),
  );
}

describe("the daemon within its memory budget", () => {
  test("a shared-list pickle is indexed without expanding it, and status answers", async () => {
    const { environment, runs } = setUp("daemon-shared");
    const daemon = await startDaemonReady(environment, [runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    const path = join(runs, "shared.pt");
    writeFileSync(path, sharedListCheckpoint({ depth: 40, keys: 100, leafBytes: 8 }));
    await waitFor(() => statusOf(environment.catalog, path) === "ok", {
      what: "the shared pickle indexed",
      timeoutMs: 30_000,
    });
    const status = await runCkpt(environment, ["status", "--catalog", environment.catalog]);
    expect(status.exitCode).toBe(0);
    expect(peakRssOf(daemon.pid)).toBeLessThan(RSS_BUDGET);
  }, 60_000);

  test("a metrics.csv that grows between checkpoints: bounded memory, bounded points, exact values", async () => {
    const { environment, runs } = setUp("daemon-metrics");
    const steps = 400_000;
    const totalSteps = 500_000;
    const run = writeMetricsCsvRun(join(runs, "run"), {
      steps: 0,
      stepsPerEpoch: STEPS_PER_EPOCH,
      checkpointEpochs: [],
    });
    appendMetricsRows(run.csv, { from: 0, to: steps, stepsPerEpoch: STEPS_PER_EPOCH, totalSteps });
    const firstStep = steps - 1;
    const first = writeStepCheckpoint(join(run.root, "checkpoints"), {
      step: firstStep,
      stepsPerEpoch: STEPS_PER_EPOCH,
    });
    const daemon = await startDaemonReady(environment, [runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    const sidecarOf = (ckpt: string) => ckpt.replace(/\.ckpt$/, ".metadata.yaml");
    const expected = (step: number) => ({
      train_loss: Number((1 / (1 + step / 1000)).toFixed(6)),
      val_acc: Number((0.5 + step / totalSteps / 2).toFixed(6)),
      val_loss: Number((1 - step / totalSteps).toFixed(6)),
    });
    expect(
      await waitFor(() => metricsAt(sidecarOf(first), firstStep), {
        what: "first sidecar",
        timeoutMs: 30_000,
      }),
    ).toEqual(expected(firstStep));
    // Training goes on: 100,000 more steps are logged, then the next checkpoint is saved.
    appendMetricsRows(run.csv, { from: steps, to: totalSteps, stepsPerEpoch: STEPS_PER_EPOCH, totalSteps });
    const lastStep = totalSteps - 1;
    const last = writeStepCheckpoint(join(run.root, "checkpoints"), {
      step: lastStep,
      stepsPerEpoch: STEPS_PER_EPOCH,
    });
    expect(
      await waitFor(() => metricsAt(sidecarOf(last), lastStep), { what: "last sidecar", timeoutMs: 30_000 }),
    ).toEqual(expected(lastStep));
    const stored = withCatalog(environment.catalog, (db) =>
      db
        .query<{ n: number }, []>(
          "SELECT max(n) AS n FROM (SELECT count(*) AS n FROM metric_points GROUP BY name)",
        )
        .get(),
    );
    expect(stored?.n).toBeLessThanOrEqual(10_000);
    expect(peakRssOf(daemon.pid)).toBeLessThan(RSS_BUDGET);
  }, 90_000);
});
