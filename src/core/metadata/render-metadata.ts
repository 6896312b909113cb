import { escapeControl } from "../text/escape-control.ts";
import type { AssemblyProblem } from "./assembly-notes.ts";
import type { CheckpointMetadataV1 } from "./metadata-schema.ts";

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
        : `${left}\n`;
    })
    .join("");
}

type RowOf = (label: string, value: unknown, path: string) => Row;

function rowMaker(metadata: CheckpointMetadataV1): RowOf {
  const sources = metadata.ckpt?.sources ?? {};
  return (label, value, path) => [label, text(value), sources[path]];
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

function modelRows({ model }: CheckpointMetadataV1, row: RowOf): Row[] {
  const { encoder, decoder } = model;
  const channels = `in ${text(decoder.in_channels)} inner ${text(decoder.inner_channels)} out ${text(decoder.output_channels)}`;
  return [
    row("architecture", model.architecture, "model.architecture"),
    row("encoder", encoder.model_name, "model.encoder.model_name"),
    row("  pretrained", encoder.pretrained, "model.encoder.pretrained"),
    ...(encoder.frozen === undefined ? [] : [row("  frozen", encoder.frozen, "model.encoder.frozen")]),
    row("decoder", decoder.name, "model.decoder.name"),
    row("  channels", channels, "model.decoder.in_channels"),
    row("head", model.head.name, "model.head.name"),
    row("loss", model.loss.name, "model.loss.name"),
  ];
}

function metricRows({ metrics }: CheckpointMetadataV1, row: RowOf): Row[] {
  return [
    row("precision", metrics.precision, "metrics.precision"),
    row("recall", metrics.recall, "metrics.recall"),
    row("hmean", metrics.hmean, "metrics.hmean"),
    row("validation_loss", metrics.validation_loss, "metrics.validation_loss"),
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
  return [
    ["run", runRows(metadata, row)],
    ["training", trainingRows(metadata, row)],
    ["model", modelRows(metadata, row)],
    ["metrics", metricRows(metadata, row)],
    ["additional_metrics", additional],
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
 * (`← metrics.csv@step=23 (val/hmean)`), then the `ckpt:` block and any problems.
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
