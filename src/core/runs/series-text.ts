import { csvField } from "../catalog/entry-output.ts";
import { escapeControl } from "../text/escape-control.ts";
import { textWidth } from "../text/fit-text.ts";
import type { ListedPoint, ListedSeries } from "./series-listing.ts";

/** The marker of the checkpoint's point in tables (the chart draws its own ▲). */
export const CHECKPOINT_MARK = "▶";

/** A logged value as `ckpt metrics` prints it: six significant digits; NaN (stored as missing) as `nan`. */
export function seriesValueText(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return String(Number(value.toPrecision(6)));
}

/**
 * A value for JSON and CSV: the number as logged, or Python's spelling of the non-finite ones (`nan`, `inf`,
 * `-inf`), as `inspect --json` writes them; NaN is what the catalog keeps as a missing value.
 */
export function exactValue(value: number | null): number | "nan" | "inf" | "-inf" {
  if (value === null || Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

type Align = "left" | "right";

/** Rows under a header, two spaces apart, numbers right-aligned; trailing blanks trimmed. */
function alignedTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
) {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => textWidth(row[column] ?? ""))));
  return all
    .map((row) =>
      row
        .map((cell, column) => {
          const pad = " ".repeat(Math.max(0, (widths[column] ?? 0) - textWidth(cell)));
          return align[column] === "right" ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function placeText(point: Pick<ListedPoint, "step" | "epoch">, series: ListedSeries): string {
  const step = point.step === null ? null : `step ${point.step}`;
  const epoch = point.epoch === null ? null : `epoch ${seriesValueText(point.epoch)}`;
  return (series.axis === "epoch" ? (epoch ?? step) : (step ?? epoch)) ?? "";
}

function spanText(series: ListedSeries): string {
  const xs = series.points.flatMap((point) => {
    const x = series.axis === "epoch" ? point.epoch : point.step;
    return x === null ? [] : [x];
  });
  if (xs.length === 0 || series.axis === null) return "";
  const [low, high] = [Math.min(...xs), Math.max(...xs)];
  return low === high ? `${series.axis} ${low}` : `${series.axis} ${low}–${high}`;
}

function extremes(series: ListedSeries): [string, string] {
  const values = series.points.flatMap((point) =>
    point.value === null || Number.isNaN(point.value) ? [] : [point.value],
  );
  if (values.length === 0) return ["nan", "nan"];
  return [seriesValueText(Math.min(...values)), seriesValueText(Math.max(...values))];
}

/**
 * One line per metric: its name (and the canonical name it stands for), how many points over which span, the
 * first, last, lowest and highest value, and the value at the checkpoint with where it was logged.
 */
export function renderSeriesSummary(series: readonly ListedSeries[]): string {
  const rows = series.map((one) => {
    const marked = one.points.find((point) => point.checkpoint);
    const [low, high] = extremes(one);
    const at = marked === undefined ? "" : `${seriesValueText(marked.value)} (${placeText(marked, one)})`;
    return [
      escapeControl(one.name),
      one.canonical ?? "",
      String(one.points.length),
      spanText(one),
      seriesValueText(one.points[0]?.value ?? null),
      seriesValueText(one.points.at(-1)?.value ?? null),
      low,
      high,
      at,
    ];
  });
  const header = [
    "metric",
    "canonical",
    "points",
    "over",
    "first",
    "last",
    "min",
    "max",
    `${CHECKPOINT_MARK} checkpoint`,
  ];
  const align: Align[] = ["left", "left", "right", "left", "right", "right", "right", "right", "left"];
  return `${alignedTable(header, rows, align)}\n`;
}

/** Every point of one metric: step and epoch (a column no point has is left out), value; the checkpoint's ▶. */
export function renderSeriesPoints(series: ListedSeries): string {
  const columns = (["step", "epoch"] as const).filter((column) =>
    series.points.some((point) => point[column] !== null),
  );
  const rows = series.points.map((point) => [
    point.checkpoint ? CHECKPOINT_MARK : "",
    ...columns.map((column) => {
      const value = point[column];
      return value === null ? "—" : seriesValueText(value);
    }),
    seriesValueText(point.value),
  ]);
  const align: Align[] = ["left", ...columns.map((): Align => "right"), "right"];
  return `${alignedTable(["", ...columns, "value"], rows, align)}\n`;
}

/** RFC 4180 CSV, one row per point: metric, canonical, step, epoch, value (`exactValue`), checkpoint. */
export function seriesCsv(series: readonly ListedSeries[]): string {
  const header = "metric,canonical,step,epoch,value,checkpoint";
  const rows = series.flatMap((one) =>
    one.points.map((point) =>
      [one.name, one.canonical, point.step, point.epoch, exactValue(point.value), point.checkpoint]
        .map(csvField)
        .join(","),
    ),
  );
  return `${[header, ...rows].join("\r\n")}\r\n`;
}
