import type { ReportProblem, ValidationReport, ValidationSummary } from "./validation-report.ts";

export type RenderOptions = {
  /** Shortens a path for display (e.g. relative to the working directory). */
  readonly displayPath: (path: string) => string;
};

function location(problem: ReportProblem, options: RenderOptions): string {
  const position =
    problem.line === undefined ? "" : `:${problem.line}${problem.col === undefined ? "" : `:${problem.col}`}`;
  return `${options.displayPath(problem.file)}${position}`;
}

function renderProblem(problem: ReportProblem, options: RenderOptions): string {
  const field = problem.field === "" ? "" : `  ${problem.field}`;
  return `              ${problem.severity.padEnd(7)}  ${location(problem, options)}${field}: ${problem.message}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function renderValidationSummary(summary: ValidationSummary): string {
  const parts = [
    `${plural(summary.checkpoints, "checkpoint")}: ${summary.valid} valid, ${summary.invalid} invalid, ${summary.missing} missing, ${summary.unreadable} unreadable`,
  ];
  if (summary.orphans > 0) parts.push(plural(summary.orphans, "orphan sidecar"));
  if (summary.warnings > 0) parts.push(plural(summary.warnings, "warning"));
  if (summary.io_errors > 0) parts.push(plural(summary.io_errors, "unreadable path"));
  return parts.join(" · ");
}

/** The human report: one line per checkpoint, problems indented under it, then orphans and the summary. */
export function renderValidationReport(report: ValidationReport, options: RenderOptions): string {
  const lines: string[] = [];
  for (const row of report.checkpoints) {
    const path = options.displayPath(row.path);
    const via =
      row.via === null || row.status === "missing"
        ? ""
        : ` (symlink; uses ${options.displayPath(row.sidecar)})`;
    lines.push(`  ${row.status.padEnd(10)}  ${path}${via}`);
    for (const problem of row.problems) lines.push(renderProblem(problem, options));
  }
  for (const orphan of report.orphans) {
    lines.push(
      `  orphan      ${options.displayPath(orphan)}  — its checkpoint is gone; delete it or restore the checkpoint`,
    );
  }
  for (const problem of report.io_errors) lines.push(`  error       ${problem.message}`);
  if (lines.length > 0) lines.push("");
  // The summary stays the last line (`ckpt validate | tail -1`); the hint comes before it.
  if (report.summary.missing > 0)
    lines.push("Write the missing sidecars with 'ckpt convert --outputs-dir DIR' (or 'ckpt scan DIR').");
  lines.push(renderValidationSummary(report.summary));
  return `${lines.join("\n")}\n`;
}
