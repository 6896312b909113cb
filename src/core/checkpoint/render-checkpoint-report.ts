import type { PlainJson } from "../formats/pickle/to-plain-json.ts";
import { escapeControl } from "../text/escape-control.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import type { StateDictSummary } from "./checkpoint-report-parts.ts";
import { distributedFactLines } from "./render-distributed-facts.ts";
import { exportedLines } from "./render-exported.ts";

const MAX_PARAM_LINES = 24;
const number = new Intl.NumberFormat("en-US");

function tensorLine(summary: StateDictSummary): string {
  const dtypes = Object.entries(summary.dtypes)
    .map(([dtype, count]) => `${dtype} ×${count}`)
    .join(", ");
  return `${summary.tensor_count} tensors, ${number.format(summary.numel_total)} values (${dtypes}), ${number.format(summary.bytes_total)} bytes`;
}

function scalar(value: PlainJson): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `a.b.c: value` lines of a nested config, capped. */
function flatten(value: PlainJson, prefix: string, out: string[]): void {
  if (out.length > MAX_PARAM_LINES) return;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  out.push(`    ${prefix}: ${scalar(value)}`);
}

function scoreText(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : String(Number(value.toPrecision(6)));
}

function headerLines(report: CheckpointReport): string[] {
  const format = report.format ? ` (${report.format})` : "";
  const framework = report.framework ?? "unknown";
  const version =
    report["pytorch-lightning_version"] ?? (typeof report.version === "string" ? report.version : "");
  const lines = [
    report.path,
    `  status      ${report.status}`,
    `  container   ${report.container}${format}, ${number.format(report.size_bytes)} bytes, ${number.format(report.bytes_read)} read`,
    `  framework   ${framework}${version ? ` ${version}` : ""}${report.kind ? ` — ${report.kind}` : ""}${report.arch ? ` — ${report.arch}` : ""}`,
  ];
  const position = [
    report.epoch === undefined || report.epoch === null ? undefined : `epoch ${report.epoch}`,
    report.global_step === undefined || report.global_step === null
      ? undefined
      : `step ${report.global_step}`,
  ].filter((part) => part !== undefined);
  if (position.length > 0) lines.push(`  position    ${position.join(", ")}`);
  if (report.error) lines.push(`  error       ${report.error.message}`);
  return lines;
}

function bodyLines(report: CheckpointReport): string[] {
  const lines: string[] = [];
  if (report.top_level_keys) lines.push(`  keys        ${report.top_level_keys.join(", ")}`);
  const tensors: Array<[string, StateDictSummary | undefined]> = [
    ["state_dict", report.state_dict],
    ["state_dict_ema", report.state_dict_ema],
    ["model", report.model_state_dict],
    ["ema", report.ema_state_dict],
  ];
  for (const [name, summary] of tensors) if (summary) lines.push(`    ${name}: ${tensorLine(summary)}`);
  if (report.safetensors)
    lines.push(
      `    tensors: ${report.safetensors.tensor_count}, ${number.format(report.safetensors.numel_total)} values`,
    );
  lines.push(...exportedLines(report));
  const params = report.hyper_parameters ?? report.args ?? report.train_args ?? report.training_args;
  if (params !== undefined) {
    const out: string[] = [];
    flatten(params, "", out);
    lines.push("  hyper-parameters", ...out.slice(0, MAX_PARAM_LINES));
    if (out.length > MAX_PARAM_LINES) lines.push("    …");
  }
  for (const state of report.model_checkpoint_states ?? [])
    lines.push(
      `  checkpoint  monitor ${state.monitor ?? "none"}: best ${scoreText(state.best_model_score)} (${state.best_model_path || "–"})`,
    );
  if (report.metric !== undefined && report.metric !== null)
    lines.push(`  metric      ${scoreText(report.metric)}`);
  if (report.best_fitness !== undefined) lines.push(`  fitness     ${scoreText(report.best_fitness)}`);
  return lines;
}

function safetyLine(report: CheckpointReport): string[] {
  const safety = report.safety;
  if (safety === null) return [];
  const named = [
    ...safety.dangerous.map((name) => `dangerous ${name}`),
    ...safety.unknown.map((name) => `unknown ${name}`),
  ];
  return [`  safety      ${safety.status}${named.length > 0 ? ` — ${named.join(", ")}` : ""}`];
}

/**
 * The human view of one report (`ckpt inspect` without `--json`). Each entry is one line whose values came from
 * the file (its name, pickle keys and strings): escaped whole, so none can drive the terminal or split a line.
 */
export function renderCheckpointReport(report: CheckpointReport): string {
  const warnings = (report.warnings ?? []).map((warning) => `  warning     ${warning}`);
  const lines = [
    ...headerLines(report),
    ...bodyLines(report),
    ...distributedFactLines(report),
    ...safetyLine(report),
    ...warnings,
  ];
  return `${lines.map(escapeControl).join("\n")}\n`;
}
