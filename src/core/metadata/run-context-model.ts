import { z } from "zod";
import { HfTrainerState } from "../runs/hf-trainer-state.ts";
import { HydraRuntime } from "../runs/hydra-config.ts";
import { MetricPoint, type MetricTarget, RunFileError } from "../runs/metric-series.ts";

/** Run files that hold metric series, in the order the assembler trusts them for the same logged name. */
export const METRIC_SERIES_SOURCES = [
  "metrics.csv",
  "events",
  "summary.csv",
  "results.csv",
  "trainer_state.json",
  "mlflow",
  "wandb-summary",
] as const;
export type MetricSeriesSource = (typeof METRIC_SERIES_SOURCES)[number];

/** `metricsAtStep` over every point the file ever held, for files whose kept `points` are downsampled. */
export type ValuesAt = (target: MetricTarget) => MetricPoint[];

export const MetricSeries = z.object({
  source: z.enum(METRIC_SERIES_SOURCES),
  /** Absolute path of the file (or run dir) the points came from. */
  file: z.string(),
  /** In file order; every point up to 10,000 per metric, then a downsampled series (see `MetricReservoir`). */
  points: z.array(MetricPoint),
  /** The exact values at a checkpoint (the io layer reads the file again when it must); else `metricsAtStep(points)`. */
  valuesAt: z.custom<ValuesAt>((value) => typeof value === "function").optional(),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

const Values = z.record(z.string(), z.unknown());

/**
 * What the run around one checkpoint left on disk, parsed: everything the assembler needs besides the checkpoint
 * itself. Paths are absolute; a file that was not found or did not parse is null (its error is in `problems`).
 */
export const RunContext = z.object({
  runDir: z.string().nullable(),
  hydra: z
    .object({
      /** `.hydra/config.yaml` (or the first config the resolver order found). */
      configPath: z.string().nullable(),
      config: Values.nullable(),
      runtime: HydraRuntime.nullable(),
    })
    .nullable(),
  /** Lightning `hparams.yaml` of the logger dir nearest the checkpoint. */
  hparams: z.object({ path: z.string(), values: Values }).nullable(),
  /** Lightning logger `name` (`<save_dir>/<name>/version_N`). */
  loggerName: z.string().nullable(),
  series: z.array(MetricSeries),
  timmArgs: Values.nullable(),
  ultralyticsArgs: Values.nullable(),
  hfTrainerState: HfTrainerState.nullable(),
  hfConfig: Values.nullable(),
  wandbRunId: z.string().nullable(),
  mlflow: z.object({ runId: z.string().nullable(), runName: z.string().nullable() }).nullable(),
  problems: z.array(RunFileError),
});
export type RunContext = z.infer<typeof RunContext>;

/** A run context with nothing found: what a lone checkpoint gets. */
export function emptyRunContext(runDir: string | null = null): RunContext {
  return {
    runDir,
    hydra: null,
    hparams: null,
    loggerName: null,
    series: [],
    timmArgs: null,
    ultralyticsArgs: null,
    hfTrainerState: null,
    hfConfig: null,
    wandbRunId: null,
    mlflow: null,
    problems: [],
  };
}
