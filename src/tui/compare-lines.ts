import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { metricSortKey } from "../core/catalog/metric-sort-key.ts";
import type { CheckpointMetadataV1 } from "../core/metadata/metadata-schema.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import type { CheckpointDetail } from "../io/catalog/tui-catalog-reads.ts";
import type { Line } from "./detail-lines.ts";

export type CompareSide = { readonly entry: CatalogEntry; readonly detail: CheckpointDetail };

/** Fields that differ between any two checkpoints and say nothing about how they were trained. */
const NOT_HYPERPARAMETERS =
  /^(checkpoint_path|created_at|metrics\.|ckpt\.(sources|file|generator|primary_metric|safety)|training\.(epoch|global_step))/;

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value))
      flatten(item, prefix === "" ? key : `${prefix}.${key}`, into);
    return;
  }
  into.set(prefix, value === undefined ? "—" : JSON.stringify(value));
}

function hyperparameters(metadata: CheckpointMetadataV1 | null): Map<string, string> {
  const flat = new Map<string, string>();
  if (metadata !== null) flatten(metadata, "", flat);
  for (const key of [...flat.keys()]) if (NOT_HYPERPARAMETERS.test(key)) flat.delete(key);
  return flat;
}

function metricsOf(side: CompareSide): Map<string, number | null> {
  const metrics = new Map<string, number | null>();
  const primary = side.entry.primary_metric;
  if (primary !== null) metrics.set(metricSortKey(primary.name), primary.value);
  const block = side.entry.metrics;
  if (block === null) return metrics;
  for (const name of ["precision", "recall", "hmean", "validation_loss"] as const) {
    const value = block[name];
    if (typeof value === "number" && !metrics.has(name)) metrics.set(name, value);
  }
  for (const [name, value] of Object.entries(block.additional_metrics ?? {}))
    if (!metrics.has(name)) metrics.set(name, value);
  return metrics;
}

function number(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : String(Number(value.toPrecision(4)));
}

function metricLines(a: CompareSide, b: CompareSide): Line[] {
  const [left, right] = [metricsOf(a), metricsOf(b)];
  const names = [...new Set([...left.keys(), ...right.keys()])];
  // Metric names come from run files: escaped before they are measured, so the columns stay aligned.
  const shown = new Map(names.map((name) => [name, escapeControl(name)]));
  const width = Math.max(12, ...[...shown.values()].map((name) => name.length));
  const header = {
    text: `  ${"metric".padEnd(width)}  ${"A".padStart(10)}  ${"B".padStart(10)}  ${"B − A".padStart(10)}`,
    dim: true,
  };
  const rows = names.map((name) => {
    const [x, y] = [left.get(name), right.get(name)];
    const delta = typeof x === "number" && typeof y === "number" ? number(y - x) : "";
    const text = `  ${(shown.get(name) ?? name).padEnd(width)}  ${number(x).padStart(10)}  ${number(y).padStart(10)}  ${delta.padStart(10)}`;
    return x === y ? { text, dim: true } : { text };
  });
  return [header, ...rows];
}

function hyperparameterLines(a: CompareSide, b: CompareSide): Line[] {
  const [left, right] = [hyperparameters(a.detail.metadata), hyperparameters(b.detail.metadata)];
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const differing = keys.filter((key) => left.get(key) !== right.get(key));
  const same = keys.length - differing.length;
  const rows = differing.map((key) => ({
    text: `  ${key}: ${left.get(key) ?? "—"} → ${right.get(key) ?? "—"}`,
    color: "yellow",
  }));
  const none =
    a.detail.metadata === null || b.detail.metadata === null
      ? "  (one of them has no metadata)"
      : "  (none differ)";
  return [
    ...(rows.length === 0 ? [{ text: none, dim: true }] : rows),
    { text: `  ${same} identical`, dim: true },
  ];
}

/** Two marked checkpoints side by side: every metric with its difference, and the hyper-parameters that differ. */
export function compareLines(a: CompareSide, b: CompareSide, displayPath: (path: string) => string): Line[] {
  return [
    { text: `A  ${displayPath(a.entry.path)}`, bold: true },
    { text: `B  ${displayPath(b.entry.path)}`, bold: true },
    { text: "" },
    { text: "metrics", bold: true, color: "cyan" },
    ...metricLines(a, b),
    { text: "" },
    { text: "hyper-parameters (A → B, only those that differ)", bold: true, color: "cyan" },
    ...hyperparameterLines(a, b),
  ];
}
