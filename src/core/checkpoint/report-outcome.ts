import type { ContainerName } from "../formats/sniff.ts";
import type { CheckpointReport, ReportErrorCode, ReportStatus } from "./checkpoint-report.ts";

/** A report with nothing learned yet. */
export function emptyReport(parts: {
  path: string;
  container: ContainerName;
  size: number;
}): CheckpointReport {
  return {
    path: parts.path,
    status: "ok",
    error: null,
    container: parts.container,
    framework: null,
    size_bytes: parts.size,
    bytes_read: 0,
    pickle_globals: [],
    safety: null,
  };
}

/** A failed report: `status`, and an error whose message names the file, the cause and what to do. */
export function failedReport(
  report: CheckpointReport,
  failure: { status: ReportStatus; code: ReportErrorCode; message: string },
): CheckpointReport {
  return {
    ...report,
    status: failure.status,
    error: { code: failure.code, message: `${report.path}: ${failure.message}` },
  };
}
