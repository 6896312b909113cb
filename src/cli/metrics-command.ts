import { existsSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { resolveMetricName } from "../core/catalog/resolve-metric-name.ts";
import { taskShownMetrics } from "../core/catalog/task-shown-metrics.ts";
import { isHfCheckpointDirName, isShardedCheckpointDirName } from "../core/discovery/checkpoint-names.ts";
import { AppError } from "../core/errors/app-error.ts";
import { type CheckpointPlace, checkpointPosition, curveOf } from "../core/runs/metric-curve.ts";
import { canonicalOf, type ListedSeries, listSeries } from "../core/runs/series-listing.ts";
import { exactValue, renderSeriesPoints, renderSeriesSummary, seriesCsv } from "../core/runs/series-text.ts";
import { didYouMean } from "../core/suggestions/nearest-names.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";
import { chartLines } from "../tui/metric-chart.ts";
import { absolutePath, queryFailure } from "./catalog-session.ts";
import { openQueryStore, resolveHostFlag } from "./catalog-store-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayPathFrom } from "./display-path.ts";
import { EXIT } from "./exit-codes.ts";
import { LIST_REQUEST } from "./metric-name-flags.ts";
import { type Target, targetOf } from "./metrics-target.ts";
import { parseFlags } from "./parse-flags.ts";
import { prepareQuery, QUERY_FLAGS } from "./query-flags.ts";
import { tableWidth } from "./table-width.ts";

const USAGE = `Usage: ckpt metrics PATH [options]

Prints a run's metric series as the catalog holds them. PATH is a checkpoint (its run's series, the point that
stands for the checkpoint marked ▶) or a run directory. The catalog is first brought up to date for PATH, as for
'ckpt ls': nothing is written into PATH. The command twin of the TUI's curves.

Without --metric, one line per metric: points, span, first, last, min, max and the value at the checkpoint. With
--metric, that metric's chart and every point.

Options:
  --metric NAME     one metric, in any spelling (mAP50, val/hmean, eval_loss, metrics/mAP50(B));
                    '--metric ${LIST_REQUEST}' lists the run's metrics
  --json            the series as JSON: {path, run_dir, checkpoint, series: [{name, canonical, axis, points}]};
                    non-finite values are "nan", "inf", "-inf"
  --csv             one row per point: metric,canonical,step,epoch,value,checkpoint
  --ascii           draw the chart with ASCII characters (automatic with TERM=linux)
  --no-scan         answer from the catalog as it is, without scanning PATH first
  --sidecars MODE   how that scan uses sidecars: read (default) or off (ignore them); it never writes one
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db), or a
                    shared one: postgres://USER@HOST/DB (the series as each host's 'ckpt watch' published them)
  --host NAME       in a shared catalog, the host whose PATH is meant when several hosts have one
  -h, --help        show this help

Exit codes: 0 series printed, 1 the run has no metric points, 2 usage error (no such path, nothing catalogued
there, an unknown metric).

Examples:
  ckpt metrics runs/detect/train/weights/best.pt          every metric of the run, best.pt's values marked
  ckpt metrics runs/detect/train --metric mAP50           the mAP@0.5 curve and its points
  ckpt metrics runs/exp/checkpoints/last.ckpt --csv       every point, for a spreadsheet
`;

const METRICS_FLAGS = {
  catalog: QUERY_FLAGS.catalog,
  "no-scan": QUERY_FLAGS["no-scan"],
  sidecars: QUERY_FLAGS.sidecars,
  json: QUERY_FLAGS.json,
  csv: QUERY_FLAGS.csv,
  metric: { type: "string" },
  ascii: { type: "boolean", default: false },
  host: { type: "string" },
} as const;

type Values = ReturnType<typeof parseFlags<typeof METRICS_FLAGS>>["values"];

/** The run's logged names that `--metric` means: its spellings of a canonical metric, else the exact name. */
function chosenNames(typed: string, logged: readonly string[], shownRun: string): string[] {
  const resolved = resolveMetricName(typed, logged);
  if (!resolved.success) {
    const hint = didYouMean(resolved.error.map(escapeControl));
    throw new AppError(
      "usage",
      `metrics: unknown metric '${escapeControl(typed)}'.${hint === "" ? "" : ` ${hint}`} Run 'ckpt metrics ${shownRun} --metric ${LIST_REQUEST}' to list the run's metrics.`,
    );
  }
  const { canonical, key, spellings } = resolved.data;
  const names = canonical === null ? [key] : logged.filter((name) => canonicalOf(name) === canonical);
  if (names.length > 0) return names;
  const hint = spellings.length > 0 ? spellings : logged.slice(0, 8);
  throw new AppError(
    "usage",
    `metrics: the run ${shownRun} logged no ${escapeControl(typed)}; it logged ${hint.map(escapeControl).join(", ")}. Run 'ckpt metrics ${shownRun} --metric ${LIST_REQUEST}' to list them all.`,
  );
}

function metricList(logged: readonly string[], shownRun: string): string {
  const lines = logged.map((name) => {
    const canonical = canonicalOf(name);
    return `  ${escapeControl(name)}${canonical === null || canonical === name ? "" : `  (${canonical})`}`;
  });
  return `Metrics logged by ${shownRun} (any spelling of a canonical name in brackets selects it):\n${lines.join("\n")}\n`;
}

function placeOf(checkpoint: CatalogEntry | null): CheckpointPlace | null {
  return checkpoint === null ? null : { step: checkpoint.global_step, epoch: checkpoint.epoch };
}

function seriesJson(series: readonly ListedSeries[]) {
  return series.map((one) => ({
    ...one,
    points: one.points.map((point) => ({ ...point, value: exactValue(point.value) })),
  }));
}

function chartOf(
  series: ListedSeries,
  place: CheckpointPlace | null,
  options: { width: number; ascii: boolean },
) {
  const curve = curveOf(
    series.name,
    series.points.map((point) => ({ ...point, name: series.name })),
  );
  if (curve === null) return [];
  const mark = place === null ? null : checkpointPosition(curve.axis, place);
  return chartLines({
    points: curve.points,
    axis: curve.axis,
    width: options.width,
    height: 8,
    mark,
    ascii: options.ascii,
  });
}

type Report = {
  readonly path: string;
  readonly target: Target;
  readonly series: readonly ListedSeries[];
  readonly values: Values;
};

function heading(context: CommandContext, report: Report): string {
  const display = displayPathFrom(context.cwd);
  const { checkpoint } = report.target;
  const run = `run ${display(report.target.run.dir)}${report.target.run.task === null ? "" : ` (${report.target.run.task})`}`;
  if (checkpoint === null) return `${run}\n`;
  const place = [
    checkpoint.global_step === null ? null : `step ${checkpoint.global_step}`,
    checkpoint.epoch === null ? null : `epoch ${checkpoint.epoch}`,
  ].filter((part) => part !== null);
  return `${run}\ncheckpoint ${display(checkpoint.path)}${place.length === 0 ? "" : ` at ${place.join(", ")}`}\n`;
}

function print(context: CommandContext, report: Report): void {
  const { series, values, target } = report;
  if (values.json) {
    const checkpoint =
      target.checkpoint === null
        ? null
        : {
            path: target.checkpoint.path,
            step: target.checkpoint.global_step,
            epoch: target.checkpoint.epoch,
          };
    const json = {
      path: report.path,
      run_dir: target.run.dir,
      task: target.run.task,
      checkpoint,
      series: seriesJson(series),
    };
    context.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else if (values.csv) context.stdout.write(seriesCsv(series));
  else if (values.metric === undefined)
    context.stdout.write(`${heading(context, report)}\n${renderSeriesSummary(series)}`);
  else {
    const ascii = values.ascii || context.env["TERM"] === "linux";
    // Indented by two, as the TUI's detail draws it.
    const width = Math.min(tableWidth(context) ?? 80, 100) - 2;
    const place = placeOf(target.checkpoint);
    const blocks = series.map((one) => {
      const chart = chartOf(one, place, { width, ascii }).map((line) => `  ${line}`);
      return `${escapeControl(one.name)}\n${chart.length === 0 ? "" : `${chart.join("\n")}\n\n`}${renderSeriesPoints(one)}`;
    });
    context.stdout.write(`${heading(context, report)}\n${blocks.join("\n")}`);
  }
}

/**
 * What the refresh walks for PATH: PATH itself, except a checkpoint directory (HF `checkpoint-N/`, Lightning
 * sharded `.ckpt/`), which the walker reads as one checkpoint only from the directory holding it.
 */
function refreshRootOf(path: string): string {
  const name = basename(path);
  const unit = isHfCheckpointDirName(name) || isShardedCheckpointDirName(name);
  return unit && existsSync(path) && statSync(path).isDirectory() ? dirname(path) : path;
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("metrics", context.args, METRICS_FLAGS);
  if (values.help) {
    context.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new AppError(
      "usage",
      "metrics: name one checkpoint or run directory. Run 'ckpt metrics --help' for usage.",
    );
  const path = absolutePath(context, positionals[0] as string);
  const refreshed = [refreshRootOf(path)];
  const { location } = await prepareQuery("metrics", context, { values, positionals: refreshed });
  const store = await openQueryStore(context, location);
  try {
    return await printRunMetrics(context, { store, path, values });
  } catch (error) {
    throw queryFailure(location, error);
  } finally {
    await store?.close();
  }
}

async function printRunMetrics(
  context: CommandContext,
  options: { store: CatalogStore | null; path: string; values: Values },
): Promise<number> {
  const { store, path, values } = options;
  const display = displayPathFrom(context.cwd);
  if (store === null) return noPoints(context, display(path));
  const hosts = await resolveHostFlag("metrics", values.host, store);
  const target = await targetOf({ store, hosts }, path, display);
  const logged = await store.runMetricNames(target.run);
  const shownRun = display(target.run.dir);
  if (logged.length === 0) return noPoints(context, shownRun);
  if (values.metric?.trim().toLowerCase() === LIST_REQUEST) {
    context.stdout.write(metricList(logged, shownRun));
    return EXIT.ok;
  }
  const names = values.metric === undefined ? undefined : chosenNames(values.metric, logged, shownRun);
  const points = await store.runMetricPoints(target.run, names);
  const series = listSeries(points, {
    shown: taskShownMetrics(target.run.task),
    place: placeOf(target.checkpoint),
  });
  print(context, { path, target, series, values });
  return EXIT.ok;
}

function noPoints(context: CommandContext, shownRun: string): number {
  context.stderr.write(
    `ckpt: the run ${shownRun} has no metric points in the catalog: none of its run files (metrics.csv, TensorBoard events, summary.csv, results.csv, trainer_state.json, MLflow, W&B) logged any\n`,
  );
  return EXIT.findings;
}

export const metricsCommand: Command = {
  name: "metrics",
  summary: "a run's metric series (the checkpoint's point marked): a table, a chart, JSON or CSV",
  usage: USAGE,
  run,
};
