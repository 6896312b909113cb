import { canonicalMetricName, type MetricNameMatch, type ValueScale } from "./metric-aliases.ts";
import { type CanonicalMetric, metricDefinition, taskMetrics } from "./metric-catalog.ts";
import type { MetricDefinition } from "./metric-definition.ts";
import { type CheckpointMonitor, choosePrimaryMetric, type PrimaryMetric } from "./primary-metric.ts";
import type { TaskType } from "./task-types.ts";

export type StandardMetricValue = {
  /** In the definition's unit: percent-format values are fractions in [0, 1]. */
  readonly value: number;
  readonly definition: MetricDefinition;
  /** The logged name the value came from. */
  readonly rawName: string;
  /** The value exactly as logged (timm `eval_top1` = 83.33 becomes value 0.8333, rawValue 83.33). */
  readonly rawValue: number;
};

export type NormalizedPrimary = PrimaryMetric & {
  /** The value as logged under `name`; null when that name was not logged. */
  readonly value: number | null;
};

export type NormalizedMetrics = {
  /** The task's standard metrics (plus the primary's canonical metric) that were logged. */
  readonly standard: Partial<Record<CanonicalMetric, StandardMetricValue>>;
  /** Every logged value not chosen for `standard`, by logged name (includes the losers of a precedence contest). */
  readonly custom: Readonly<Record<string, number>>;
  /** Every logged value by logged name, untouched: the sidecar's `additional_metrics`. */
  readonly additional: Readonly<Record<string, number>>;
  readonly primary: NormalizedPrimary | null;
};

export type NormalizeOptions = {
  /** All sources merged, logged name → value. */
  readonly raw: Readonly<Record<string, number>>;
  readonly task: TaskType;
  /** @default { kind: "none" } */
  readonly monitor?: CheckpointMonitor;
};

type Candidate = { readonly name: string; readonly value: number; readonly match: MetricNameMatch };

/**
 * Deterministic winner among logged names of one canonical metric: finite values first, then alias precedence
 * (`cleval/` > explicit split prefix such as `val/`, `eval_`, `metrics/…(B)` > bare name; exact name > synonym such as
 * `f1`; `_epoch` > unsuffixed > `_step`), then the alphabetically first name.
 */
function compareCandidates(a: Candidate, b: Candidate): number {
  const finite = Number(Number.isFinite(b.value)) - Number(Number.isFinite(a.value));
  if (finite !== 0) return finite;
  if (a.match.precedence !== b.match.precedence) return a.match.precedence - b.match.precedence;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Percent-format values become fractions; a `fraction`-scaled value in (1, 100] was logged as a percentage. */
function toDefinitionUnit(value: number, definition: MetricDefinition, scale: ValueScale): number {
  if (definition.format !== "percent") return value;
  if (scale === "percent" || (value > 1 && value <= 100)) return value / 100;
  return value;
}

function collectCandidates(raw: Readonly<Record<string, number>>): Map<CanonicalMetric, Candidate[]> {
  const byCanonical = new Map<CanonicalMetric, Candidate[]>();
  for (const [name, value] of Object.entries(raw)) {
    const match = canonicalMetricName(name);
    if (match.canonical === null) continue;
    const list = byCanonical.get(match.canonical) ?? [];
    list.push({ name, value, match });
    byCanonical.set(match.canonical, list);
  }
  return byCanonical;
}

function pickStandard(
  candidates: Map<CanonicalMetric, Candidate[]>,
  wanted: readonly CanonicalMetric[],
): Partial<Record<CanonicalMetric, StandardMetricValue>> {
  const standard: Partial<Record<CanonicalMetric, StandardMetricValue>> = {};
  for (const canonical of wanted) {
    const winner = [...(candidates.get(canonical) ?? [])].sort(compareCandidates)[0];
    if (!winner) continue;
    const definition = metricDefinition(canonical);
    standard[canonical] = {
      value: toDefinitionUnit(winner.value, definition, winner.match.scale),
      definition,
      rawName: winner.name,
      rawValue: winner.value,
    };
  }
  return standard;
}

function normalizePrimary(
  chosen: PrimaryMetric,
  raw: Readonly<Record<string, number>>,
  standard: Partial<Record<CanonicalMetric, StandardMetricValue>>,
): NormalizedPrimary {
  const fromStandard = chosen.canonical === null ? undefined : standard[chosen.canonical];
  // The task default names the same logged key the standard table chose, so both show one value.
  const name = chosen.source !== "monitor" && fromStandard ? fromStandard.rawName : chosen.name;
  return { ...chosen, name, value: Object.hasOwn(raw, name) ? (raw[name] ?? null) : null };
}

/**
 * Split logged metrics into the task's standard metrics, custom metrics and the primary metric; never drops a value.
 * @example normalizeMetrics({ raw: { "val/hmean": 0.84, "cleval/hmean": 0.85 }, task: "text-detection" })
 *   → standard.hmean.rawName "cleval/hmean", custom { "val/hmean": 0.84 }, primary name "cleval/hmean"
 */
export function normalizeMetrics(options: NormalizeOptions): NormalizedMetrics {
  const { raw, task } = options;
  const chosen = choosePrimaryMetric({
    task,
    monitor: options.monitor ?? { kind: "none" },
    available: Object.keys(raw),
  });
  const wanted = [...taskMetrics(task).standard];
  if (chosen.canonical !== null && !wanted.includes(chosen.canonical)) wanted.push(chosen.canonical);
  const standard = pickStandard(collectCandidates(raw), wanted);
  const used = new Set(Object.values(standard).map((entry) => entry.rawName));
  const custom = Object.fromEntries(Object.entries(raw).filter(([name]) => !used.has(name)));
  return { standard, custom, additional: { ...raw }, primary: normalizePrimary(chosen, raw, standard) };
}
