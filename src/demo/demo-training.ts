import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import {
  DEMO_METRICS_HEADER,
  DEMO_RUNS,
  DEMO_TOP_K,
  type DemoRun,
  type DemoTopK,
  demoCheckpointName,
  demoCheckpointValue,
  demoEpochMetrics,
  demoHydraConfig,
  demoMetricsRows,
} from "../core/demo/demo-runs.ts";
import { planTorchCheckpoint } from "../core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan } from "../core/formats/zip-writer.ts";

export type DemoTrainingEvent =
  | { readonly kind: "epoch"; readonly run: string; readonly epoch: number; readonly hmean: number }
  | { readonly kind: "checkpoint-written"; readonly run: string; readonly path: string }
  | { readonly kind: "checkpoint-removed"; readonly run: string; readonly path: string }
  | { readonly kind: "finished"; readonly run: string };

export type DemoTrainingOptions = {
  /** The demo writes `outputs/<run>/<date>/<time>/` trees under this directory. */
  readonly root: string;
  /** Time between epochs of one run. */
  readonly epochMs: number;
  readonly now: () => number;
  readonly setTimer: (callback: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
  /** @default DEMO_RUNS */
  readonly runs?: readonly DemoRun[];
  readonly onEvent?: (event: DemoTrainingEvent) => void;
};

export type DemoTraining = {
  readonly runDirs: readonly string[];
  /** Resolves when every run has written its last epoch (or `stop` was called). */
  readonly finished: Promise<void>;
  stop(): void;
};

function stamp(ms: number): { date: string; time: string } {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19).replaceAll(":", "-") };
}

/** The `hydra:` node Hydra 1.3 saves as `.hydra/hydra.yaml` (the parts a reader uses). */
function hydraRuntimeYaml(run: DemoRun, runDir: string): string {
  return [
    "hydra:",
    "  mode: RUN",
    "  overrides:",
    "    hydra: []",
    "    task:",
    `    - +run=${run.name}`,
    "  job:",
    "    name: train",
    "    chdir: null",
    `    override_dirname: +run=${run.name}`,
    "    config_name: config",
    "  runtime:",
    "    version: 1.3.2",
    "    version_base: '1.3'",
    `    cwd: ${runDir.slice(0, runDir.indexOf("/outputs/"))}`,
    `    output_dir: ${runDir}`,
    "    choices: {}",
    "",
  ].join("\n");
}

/** What Hydra and Lightning's CSVLogger leave in a run directory before the first epoch. */
function writeRunSkeleton(runDir: string, run: DemoRun): void {
  mkdirSync(join(runDir, ".hydra"), { recursive: true });
  mkdirSync(join(runDir, "csv_logs/version_0"), { recursive: true });
  mkdirSync(join(runDir, "checkpoints"), { recursive: true });
  writeFileSync(join(runDir, ".hydra/config.yaml"), demoHydraConfig(run));
  writeFileSync(join(runDir, ".hydra/overrides.yaml"), `- +run=${run.name}\n`);
  writeFileSync(join(runDir, ".hydra/hydra.yaml"), hydraRuntimeYaml(run, runDir));
  writeFileSync(join(runDir, "csv_logs/version_0/hparams.yaml"), demoHydraConfig(run));
  writeFileSync(join(runDir, "csv_logs/version_0/metrics.csv"), `${DEMO_METRICS_HEADER}\n`);
}

/**
 * Simulated training: every `epochMs` each run appends its metrics, saves a checkpoint if it enters the top-k
 * (deleting the one it pushes out) and relinks `last.ckpt`, as Lightning with `save_last="link"` does. Each
 * checkpoint is written in two halves a moment apart, like Lightning ≤ 2.3's non-atomic write, so a watcher
 * sees it incomplete first.
 */
export function startDemoTraining(options: DemoTrainingOptions): DemoTraining {
  const runs = options.runs ?? DEMO_RUNS;
  const start = options.now();
  const timers = new Set<unknown>();
  const openFiles = new Set<number>();
  let stopped = false;
  let resolveFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });
  let running = runs.length;
  const schedule = (callback: () => void, ms: number) => {
    const handle = options.setTimer(() => {
      timers.delete(handle);
      if (!stopped) callback();
    }, ms);
    timers.add(handle);
  };
  const runDirs = runs.map((run, index) => {
    const { date, time } = stamp(start + index * 1000);
    const runDir = join(options.root, "outputs", run.name, date, time);
    writeRunSkeleton(runDir, run);
    const trainer = runTrainer({ run, runDir, options, schedule, openFiles });
    const tick = (epoch: number) => {
      trainer.epoch(epoch);
      if (epoch + 1 < run.epochs) schedule(() => tick(epoch + 1), options.epochMs);
      else {
        // After the last checkpoint's second half (written `halvesGapMs` after its epoch), not before it.
        schedule(() => {
          options.onEvent?.({ kind: "finished", run: run.name });
          running -= 1;
          if (running === 0) resolveFinished();
        }, halvesGapMs(options.epochMs) + 1);
      }
    };
    schedule(() => tick(0), options.epochMs * (0.3 + index * 0.25));
    return runDir;
  });
  return {
    runDirs,
    finished,
    stop() {
      stopped = true;
      for (const handle of timers) options.clearTimer(handle);
      timers.clear();
      for (const fd of openFiles) closeSync(fd);
      openFiles.clear();
      resolveFinished();
    },
  };
}

/** How long a checkpoint stays half-written: long enough for a watcher to see it incomplete. */
function halvesGapMs(epochMs: number): number {
  return Math.min(400, epochMs / 5);
}

type TrainerParts = {
  run: DemoRun;
  runDir: string;
  options: DemoTrainingOptions;
  schedule: (callback: () => void, ms: number) => void;
  /** Descriptors of checkpoints between their two halves, closed by `stop`. */
  openFiles: Set<number>;
};

function runTrainer({ run, runDir, options, schedule, openFiles }: TrainerParts): {
  epoch(epoch: number): void;
} {
  const checkpoints = join(runDir, "checkpoints");
  let topK: DemoTopK = [];
  return {
    epoch(epoch) {
      appendFileSync(
        join(runDir, "csv_logs/version_0/metrics.csv"),
        `${demoMetricsRows(run, epoch).join("\n")}\n`,
      );
      const score = demoEpochMetrics(run, epoch)["val/hmean"];
      options.onEvent?.({ kind: "epoch", run: run.name, epoch, hmean: score });
      const path = join(checkpoints, demoCheckpointName(run, epoch));
      const ranked = [...topK, { path, score }].sort((a, b) => b.score - a.score);
      const kept = ranked.slice(0, DEMO_TOP_K);
      const entersTopK = kept.some((entry) => entry.path === path);
      for (const dropped of ranked.slice(DEMO_TOP_K)) {
        if (dropped.path === path) continue;
        rmSync(dropped.path, { force: true });
        options.onEvent?.({ kind: "checkpoint-removed", run: run.name, path: dropped.path });
      }
      topK = kept;
      const last = join(checkpoints, "last.ckpt");
      const target = entersTopK ? path : last;
      const bytes = materializeWritePlan(
        planTorchCheckpoint(demoCheckpointValue({ run, epoch, checkpointPath: target, topK })),
      );
      rmSync(last, { force: true });
      const gapMs = halvesGapMs(options.epochMs);
      writeInTwoHalves({ path: target, bytes, schedule, gapMs, openFiles }, () => {
        if (entersTopK) symlinkSync(demoCheckpointName(run, epoch), last);
        options.onEvent?.({ kind: "checkpoint-written", run: run.name, path: target });
      });
    },
  };
}

type HalvesWrite = Pick<TrainerParts, "schedule" | "openFiles"> & {
  path: string;
  bytes: Uint8Array;
  gapMs: number;
};

function writeInTwoHalves(write: HalvesWrite, done: () => void): void {
  const fd = openSync(write.path, "w");
  write.openFiles.add(fd);
  const half = Math.floor(write.bytes.length / 2);
  writeSync(fd, write.bytes, 0, half, 0);
  write.schedule(() => {
    writeSync(fd, write.bytes, half, write.bytes.length - half, half);
    closeSync(fd);
    write.openFiles.delete(fd);
    done();
  }, write.gapMs);
}
