import { assertNever } from "../assert-never.ts";
import type { ValueScale } from "./metric-aliases.ts";
import type { MetricDefinition } from "./metric-definition.ts";

/** Shown where a metric was not logged. */
export const MISSING_METRIC_TEXT = "—";

/**
 * `auto` (the default) reads |value| ≤ 1 as a fraction and anything larger as already in percent, so timm's
 * `eval_top1 = 83.33` shows as 83.33%, not 8333%. Pass `percent` when the source is known to log 0–100
 * (`MetricNameMatch.scale`) so that 0.5 (%) is not shown as 50%; standard values are always fractions.
 */
export type PercentScale = ValueScale | "auto";

export type FormatOptions = {
  /** @default "auto" */
  readonly scale?: PercentScale;
};

function formatNonFinite(value: number): string {
  if (Number.isNaN(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

function asPercent(value: number, scale: PercentScale): number {
  if (scale === "percent") return value;
  if (scale === "fraction") return value * 100;
  return Math.abs(value) <= 1 ? value * 100 : value;
}

/** Four decimals; scientific notation where four decimals would hide the value (learning rates, huge losses). */
function formatFloat(value: number): string {
  const magnitude = Math.abs(value);
  if (value !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(3);
  return value.toFixed(4);
}

/**
 * Display text for a value under its definition: percent `0.9811` → `98.11%`, float `0.02341` → `0.0234`,
 * int `1234.6` → `1235`; missing → `—`; NaN and infinities as Python prints them (`nan`, `inf`, `-inf`).
 */
export function formatMetricValue(
  value: number | null | undefined,
  definition: Pick<MetricDefinition, "format">,
  options: FormatOptions = {},
): string {
  if (value === null || value === undefined) return MISSING_METRIC_TEXT;
  if (!Number.isFinite(value)) return formatNonFinite(value);
  switch (definition.format) {
    case "percent":
      return `${asPercent(value, options.scale ?? "auto").toFixed(2)}%`;
    case "float":
      return formatFloat(value);
    case "int":
      return Math.round(value).toFixed(0);
    default:
      return assertNever(definition.format);
  }
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  precision: "prec",
  recall: "rec",
  validation_loss: "val_loss",
  accuracy: "acc",
  top5_accuracy: "top5",
};

export type MetricPiece = {
  /** Canonical name when known (abbreviated: precision → prec, recall → rec), else the logged name. */
  readonly name: string;
  readonly value: number | null | undefined;
};

/**
 * One piece of the compact one-line summary (seed: `ep10 • hmean 0.843 • prec 0.854 • rec 0.832`): three decimals,
 * scientific notation for tiny or huge values. Join pieces with " • ".
 */
export function formatMetricPiece(piece: MetricPiece): string {
  const name = SHORT_NAMES[piece.name] ?? piece.name;
  const { value } = piece;
  if (value === null || value === undefined) return `${name} ${MISSING_METRIC_TEXT}`;
  if (!Number.isFinite(value)) return `${name} ${formatNonFinite(value)}`;
  const magnitude = Math.abs(value);
  const text =
    value !== 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? value.toExponential(2) : value.toFixed(3);
  return `${name} ${text}`;
}
