import { metricValueOf } from "../catalog/metric-value.ts";
import { describesDecoder, taskShownMetrics } from "../catalog/task-shown-metrics.ts";
import { loggedNamesOf, pickLoggedName } from "../metrics/metric-aliases.ts";
import { isCanonicalMetric } from "../metrics/metric-catalog.ts";
import { escapeControl } from "../text/escape-control.ts";
import { type AssemblyProblem, DEFAULT_SOURCE } from "./assembly-notes.ts";
import type { CheckpointMetadataV1, MetricsInfo } from "./metadata-schema.ts";

export type RenderMetadataOptions = {
  /** The checkpoint as the user named it. */
  readonly path: string;
  /** Where the metadata came from: a current sidecar, or assembled now. */
  readonly origin: { readonly kind: "sidecar"; readonly sidecar: string } | { readonly kind: "assembled" };
  readonly problems?: readonly AssemblyProblem[];
};

type Row = readonly [label: string, value: string, source: string | undefined];

const LABEL_WIDTH = 16;
const VALUE_WIDTH = 40;

function text(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (Array.isArray(value)) return `[${value.map(text).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : entries.map(([key, item]) => `${key}=${text(item)}`).join(" ");
  }
  return String(value);
}

/** Labels (metric names), values and sources come from the sidecar and the run files: escaped before padding. */
function renderRows(rows: readonly Row[]): string {
  return rows
    .map(([label, value, source]) => {
      const left = `  ${escapeControl(label).padEnd(LABEL_WIDTH)} ${escapeControl(value)}`;
      return source
        ? `${left.padEnd(LABEL_WIDTH + VALUE_WIDTH + 3)} ← ${escapeControl(source)}\n`
        : `${left.trimEnd()}\n`;
    })
    .join("");
}

type RowOf = (label: string, value: unknown, path: string) => Row;

/** How a value nothing recorded, which the V1 schema still needs, is marked (README: Sidecars). */
const DEFAULT_MARK = "default: nothing recorded it, the schema needs a value";

function rowMaker(metadata: CheckpointMetadataV1): RowOf {
  const sources = metadata.ckpt?.sources ?? {};
  return (label, value, path) => {
    const source = sources[path];
    return source === DEFAULT_SOURCE
      ? [label, `${text(value)} *`, DEFAULT_MARK]
      : [label, text(value), source];
  };
}

function runRows(metadata: CheckpointMetadataV1, row: RowOf): Row[] {
  return [
    row("exp_name", metadata.exp_name, "exp_name"),
    row("created_at", metadata.created_at, "created_at"),
    row("hydra_config", metadata.hydra_config_path, "hydra_config_path"),
    row("wandb_run_id", metadata.wandb_run_id, "wandb_run_id"),
  ];
}

function trainingRows({ training }: CheckpointMetadataV1, row: RowOf): Row[] {
  return [
    row("epoch", training.epoch, "training.epoch"),
    row("global_step", training.global_step, "training.global_step"),
    row("phase", training.training_phase, "training.training_phase"),
    row("max_epochs", training.max_epochs, "training.max_epochs"),
  ];
}

/** A value worth a row outside text detection: known (not `unknown`, empty or missing), or given by a source. */
/** Whether something recorded this value: a source other than the schema's default, or a real value. */
function told(value: unknown, source: string | undefined): boolean {
  if (source !== undefined && source !== DEFAULT_SOURCE && source !== DEFAULT_MARK) return true;
  if (value === null || value === undefined || value === "unknown") return false;
  return !(Array.isArray(value) && value.length === 0);
}

function modelRows(metadata: CheckpointMetadataV1, row: RowOf): Row[] {
  const { model } = metadata;
  const { encoder, decoder } = model;
  const channels = `in ${text(decoder.in_channels)} inner ${text(decoder.inner_channels)} out ${text(decoder.output_channels)}`;
  const rows: [Row, unknown][] = [
    [row("architecture", model.architecture, "model.architecture"), ALWAYS],
    [row("encoder", encoder.model_name, "model.encoder.model_name"), encoder.model_name],
    [row("  pretrained", encoder.pretrained, "model.encoder.pretrained"), null],
    ...(encoder.frozen === undefined
      ? []
      : [[row("  frozen", encoder.frozen, "model.encoder.frozen"), null] as [Row, unknown]]),
    [row("decoder", decoder.name, "model.decoder.name"), decoder.name],
    [row("  channels", channels, "model.decoder.in_channels"), decoder.in_channels],
    [row("head", model.head.name, "model.head.name"), model.head.name],
    [row("loss", model.loss.name, "model.loss.name"), model.loss.name],
  ];
  // Encoder, decoder, head and loss describe a text detector: other tasks show them only where something told.
  if (describesDecoder(metadata.ckpt?.task)) return rows.map(([shown]) => shown);
  const kept = rows.flatMap(([shown, value]) => (value === ALWAYS || told(value, shown[2]) ? [shown] : []));
  // Without its encoder row, `pretrained` is the model's own.
  const encoderShown = kept.some(([label]) => label === "encoder");
  return kept.map(([label, ...rest]) => (encoderShown ? [label, ...rest] : [label.trimStart(), ...rest]));
}
const ALWAYS = Symbol("always shown");

/** The V1 metrics block's own fields: text detection's metrics (DESIGN §3). */
const OWN_METRIC_FIELDS = ["precision", "recall", "hmean", "validation_loss"] as const;

function textDetectionMetricRows({ metrics }: CheckpointMetadataV1, row: RowOf): Row[] {
  return OWN_METRIC_FIELDS.map((name) => row(name, metrics[name], `metrics.${name}`));
}

function isOwnField(name: string): name is (typeof OWN_METRIC_FIELDS)[number] {
  return (OWN_METRIC_FIELDS as readonly string[]).includes(name);
}

/** Where a metric's value sits in the metrics block: its own field, or the logged name that stands for it. */
function metricPlace(metrics: MetricsInfo, name: string): { path: string; logged: string | null } | null {
  if (isOwnField(name) && typeof metrics[name] === "number") return { path: `metrics.${name}`, logged: null };
  const additional = metrics.additional_metrics ?? {};
  const logged =
    Object.hasOwn(additional, name) || !isCanonicalMetric(name)
      ? name
      : pickLoggedName(name, Object.keys(additional));
  if (logged === null || typeof additional[logged] !== "number") return null;
  return { path: `metrics.additional_metrics.${logged}`, logged };
}

/**
 * The task's metrics (its primary and standard ones, `taskShownMetrics`), each from wherever the metrics block
 * holds it, then the additional metrics no row showed; "none logged" when there is nothing to show.
 */
function taskMetricSections(metadata: CheckpointMetadataV1): [string, Row[]][] {
  const sources = metadata.ckpt?.sources ?? {};
  const { metrics } = metadata;
  const used = new Set<string>();
  const additionalMetrics = metrics.additional_metrics ?? {};
  const rows = taskShownMetrics(metadata.ckpt?.task).map((name): Row => {
    const place = metricPlace(metrics, name);
    if (place === null) return [name, "—", undefined];
    // The logged names this row stands for, with its value, need no row of their own.
    const value = metricValueOf(metrics, name);
    const names = isCanonicalMetric(name) ? loggedNamesOf(name, Object.keys(additionalMetrics)) : [name];
    for (const logged of names) if (additionalMetrics[logged] === value) used.add(logged);
    const source = sources[place.path];
    const logged = place.logged === null || place.logged === name ? "" : ` (${place.logged})`;
    return [
      name,
      text(metricValueOf(metrics, name)),
      source === undefined ? undefined : `${source}${logged}`,
    ];
  });
  const additional = Object.entries(metrics.additional_metrics ?? {})
    .filter(([name]) => !used.has(name))
    .map(([name, value]): Row => [name, text(value), sources[`metrics.additional_metrics.${name}`]]);
  const none = rows.every(([, value]) => value === "—") && additional.length === 0;
  return [
    ["metrics", none ? [["(none logged)", "", undefined]] : rows],
    ["additional_metrics", additional],
  ];
}

function checkpointingRows({ checkpointing }: CheckpointMetadataV1, row: RowOf): Row[] {
  return [
    row("monitor", checkpointing.monitor, "checkpointing.monitor"),
    row("mode", checkpointing.mode, "checkpointing.mode"),
    row("save_top_k", checkpointing.save_top_k, "checkpointing.save_top_k"),
    row("save_last", checkpointing.save_last, "checkpointing.save_last"),
  ];
}

function sections(metadata: CheckpointMetadataV1): [string, Row[]][] {
  const row = rowMaker(metadata);
  const additional = Object.entries(metadata.metrics.additional_metrics ?? {}).map(([name, value]) =>
    row(name, value, `metrics.additional_metrics.${name}`),
  );
  const metrics: [string, Row[]][] = describesDecoder(metadata.ckpt?.task)
    ? [
        ["metrics", textDetectionMetricRows(metadata, row)],
        ["additional_metrics", additional],
      ]
    : taskMetricSections(metadata);
  return [
    ["run", runRows(metadata, row)],
    ["training", trainingRows(metadata, row)],
    ["model", modelRows(metadata, row)],
    ...metrics,
    ["checkpointing", checkpointingRows(metadata, row)],
  ];
}

function ckptRows(metadata: CheckpointMetadataV1): Row[] {
  const ckpt = metadata.ckpt;
  if (!ckpt) return [];
  const primary = ckpt.primary_metric;
  const primaryText = primary
    ? `${primary.name} = ${text(primary.value)} (${primary.higher_is_better ? "higher" : "lower"} is better)`
    : "—";
  const safety = ckpt.safety;
  const safetyText = safety
    ? [safety.status, ...safety.dangerous.map((name) => `calls ${name}`)].join(", ")
    : "not checked";
  return [
    ["framework", ckpt.framework, undefined],
    ["task", ckpt.task ?? "—", undefined],
    ["primary_metric", primaryText, ckpt.sources?.["ckpt.primary_metric"]],
    ["file", ckpt.file ? `${ckpt.file.size} bytes, modified ${ckpt.file.mtime}` : "—", undefined],
    ["safety", safetyText, undefined],
    ["generator", `${ckpt.generator.name} ${ckpt.generator.version}`, undefined],
  ];
}

/**
 * `ckpt show`'s human view: the sidecar's sections in file order, each value followed by where it came from
 * (`← metrics.csv@step=23 (val/hmean)`; a schema default is marked `*`), then the `ckpt:` block and any problems.
 * The sections follow the task: a detector's metrics are mAP50, mAP50-95, precision, recall and its losses, a
 * classifier's accuracy, top-5 and losses; a text detector's encoder/decoder/head/loss fields show for other tasks
 * only where a source gave them.
 */
export function renderMetadata(metadata: CheckpointMetadataV1, options: RenderMetadataOptions): string {
  const origin =
    options.origin.kind === "sidecar"
      ? `from sidecar ${options.origin.sidecar}`
      : "assembled from the checkpoint and its run files";
  const head = `${escapeControl(options.path)}\n  checkpoint_path  ${escapeControl(metadata.checkpoint_path)}  (${escapeControl(origin)})\n`;
  const body = [...sections(metadata), ["ckpt", ckptRows(metadata)] as [string, Row[]]]
    .filter(([, rows]) => rows.length > 0)
    .map(([title, rows]) => `${title}\n${renderRows(rows)}`)
    .join("");
  const problems = (options.problems ?? [])
    .map((problem) => `  ${problem.severity}: ${escapeControl(problem.message)}\n`)
    .join("");
  return `${head}${body}${problems ? `problems\n${problems}` : ""}`;
}
