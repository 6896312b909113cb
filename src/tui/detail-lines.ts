import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { formatBytes } from "../core/catalog/human-units.ts";
import { metricSortKey } from "../core/catalog/metric-sort-key.ts";
import { renderMetadata } from "../core/metadata/render-metadata.ts";
import { type Curve, checkpointPosition } from "../core/runs/metric-curve.ts";
import type { CheckpointDetail } from "../io/catalog/tui-catalog-reads.ts";
import { chartLines } from "./metric-chart.ts";
import { primaryMetricText } from "./metric-text.ts";
import { rowStatus, STATUS_GLYPHS } from "./status-glyphs.ts";

/** One line of a scrolling text screen (detail, compare, help). */
export type Line = {
  readonly text: string;
  /** Where a wrapped line continues. @default its indent plus two */
  readonly hang?: number;
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
};

export type DetailLineOptions = {
  readonly width: number;
  readonly ascii: boolean;
  readonly displayPath: (path: string) => string;
};

const CHART_HEIGHT = 5;

function heading(text: string): Line {
  return { text, bold: true, color: "cyan" };
}

function fileLines(entry: CatalogEntry, detail: CheckpointDetail, options: DetailLineOptions): Line[] {
  const status = STATUS_GLYPHS[rowStatus(entry)];
  const glyph = options.ascii ? status.ascii : status.unicode;
  const lines: Line[] = [
    { text: options.displayPath(entry.path), bold: true },
    {
      text: `  status    ${glyph} ${status.label} · file ${entry.status} · safety ${entry.safety ?? "not checked"}`,
      color: status.color,
    },
    {
      text: `  file      ${formatBytes(entry.size)} (${entry.size} bytes) · modified ${new Date(entry.mtime_ms).toISOString()} · ${entry.kind}`,
    },
    { text: `  sidecar   ${options.displayPath(detail.sidecarPath)} (${entry.sidecar})` },
    // The same text as the list's metric cell, so the two never disagree.
    { text: `  metric    ${primaryMetricText(entry)}` },
  ];
  if (entry.alias_of !== null) lines.push({ text: `  alias of  ${options.displayPath(entry.alias_of)}` });
  if (entry.problem !== null) lines.push({ text: `  problem   ${entry.problem}`, color: "red" });
  return lines;
}

function curveLines(
  title: string,
  curve: Curve | null,
  entry: CatalogEntry,
  options: DetailLineOptions,
): Line[] {
  if (curve === null) return [];
  const mark = checkpointPosition(curve.axis, { step: entry.global_step, epoch: entry.epoch });
  const head = {
    text: `  ${title} (${curve.name}) over ${curve.axis}s, this checkpoint at ${curve.axis} ${mark ?? "?"}`,
    dim: true,
  };
  const chart = chartLines({
    points: curve.points,
    axis: curve.axis,
    width: Math.min(options.width - 2, 100),
    height: CHART_HEIGHT,
    mark,
    ascii: options.ascii,
  });
  return [head, ...chart.map((text) => ({ text: `  ${text}`, color: "green" }))];
}

function curvesSection(entry: CatalogEntry, detail: CheckpointDetail, options: DetailLineOptions): Line[] {
  const primaryName =
    entry.primary_metric === null ? "primary metric" : metricSortKey(entry.primary_metric.name);
  const lines = [
    ...curveLines(primaryName, detail.primaryCurve, entry, options),
    ...curveLines("loss", detail.lossCurve, entry, options),
  ];
  const none = { text: "  no metric points for this run in the catalog", dim: true };
  return [heading("curves"), ...(lines.length === 0 ? [none] : lines)];
}

function validationSection(detail: CheckpointDetail, options: DetailLineOptions): Line[] {
  const where = options.displayPath(detail.sidecarPath);
  const problems = detail.problems.map((problem) => {
    const position = problem.line === undefined ? where : `${where}:${problem.line}:${problem.col ?? 1}`;
    return {
      text: `  ${position}  ${problem.severity}  ${problem.path}: ${problem.message}`,
      color: problem.severity === "error" ? "red" : "yellow",
    };
  });
  const error = detail.sidecarError === null ? [] : [{ text: `  ${detail.sidecarError}`, color: "red" }];
  const fine = problems.length === 0 && error.length === 0 ? [{ text: "  no problems", dim: true }] : [];
  return [heading("validation"), ...error, ...problems, ...fine];
}

function safetySection(detail: CheckpointDetail): Line[] {
  const safety = detail.metadata?.ckpt?.safety;
  if (safety === undefined) return [heading("safety"), { text: "  not checked", dim: true }];
  return [
    heading("safety"),
    {
      text: `  ${safety.status}`,
      color: safety.status === "unsafe" ? "red" : safety.status === "safe" ? "green" : "yellow",
    },
    ...safety.dangerous.map((name) => ({ text: `  executes ${name} when unpickled`, color: "red" })),
    ...safety.unknown.map((name) => ({ text: `  unknown global ${name}`, color: "yellow" })),
  ];
}

function metadataSection(entry: CatalogEntry, detail: CheckpointDetail): Line[] {
  if (detail.metadata === null) {
    return [
      heading("metadata"),
      { text: `  none${entry.problem === null ? "" : `: ${entry.problem}`}`, dim: true },
    ];
  }
  const origin = detail.fromSidecar
    ? ({ kind: "sidecar", sidecar: detail.sidecarPath } as const)
    : ({ kind: "assembled" } as const);
  const text = renderMetadata(detail.metadata, { path: entry.path, origin });
  const body = text.trimEnd().split("\n").slice(1);
  return [
    heading("metadata (← where each value came from)"),
    ...body.map((line) => (line.startsWith(" ") ? { text: line } : { text: line, bold: true })),
  ];
}

/** The detail screen's content as lines; the screen scrolls through them. */
export function detailLines(
  entry: CatalogEntry,
  detail: CheckpointDetail,
  options: DetailLineOptions,
): Line[] {
  const blank = { text: "" };
  return [
    ...fileLines(entry, detail, options),
    blank,
    ...curvesSection(entry, detail, options),
    blank,
    ...validationSection(detail, options),
    blank,
    ...safetySection(detail),
    blank,
    ...metadataSection(entry, detail),
  ];
}
