import type { Completeness } from "../formats/completeness.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { failedReport } from "./report-outcome.ts";
import { unsafeError } from "./torch-report.ts";

/** A directory checkpoint's completeness by its writer's signal (`latest`, `.metadata`, a commit file…). */
export type DirectoryVerdict = {
  readonly complete: boolean;
  readonly reason: string;
  /** @default "incomplete"; a whole file that cannot be what it claims is `corrupt` */
  readonly status?: "incomplete" | "corrupt";
};

/** A file's completeness as a verdict: `unknown` (nothing to check) does not hold the checkpoint back. */
export function verdictOfCompleteness(completeness: Completeness): DirectoryVerdict {
  const { state, reason } = completeness;
  if (state === "complete" || state === "unknown") return { complete: true, reason };
  return { complete: false, reason, status: state };
}

/**
 * The last step of every directory reader: an unsafe pickle anywhere in it decides first (naming what makes it
 * so), then the writer's completeness signal (`directory-incomplete`, with the reason).
 */
export function judgedDirectoryReport(report: CheckpointReport, verdict: DirectoryVerdict): CheckpointReport {
  if (report.safety?.status === "unsafe")
    return { ...report, status: "unsafe", error: unsafeError(report.path, report.safety) };
  if (verdict.complete) return report;
  return failedReport(report, {
    status: verdict.status ?? "incomplete",
    code: "directory-incomplete",
    message: verdict.reason,
  });
}
