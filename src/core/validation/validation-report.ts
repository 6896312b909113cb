import type { MetadataProblem } from "../metadata/validate-metadata.ts";

export const VALIDATION_STATUSES = ["valid", "invalid", "missing", "unreadable"] as const;
export type ValidationStatus = (typeof VALIDATION_STATUSES)[number];

/** One finding, located: the file it is in, and where in that file when known. */
export type ReportProblem = {
  readonly severity: "error" | "warning";
  readonly code: string;
  readonly file: string;
  readonly field: string;
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
};

/** What reading a checkpoint's sidecar found; produced by the io side, judged here. */
export type SidecarCheck =
  | { readonly kind: "missing"; readonly sidecar: string }
  /** No sidecar, and the checkpoint itself cannot be read (empty, truncated, corrupt, an LFS pointer…). */
  | { readonly kind: "checkpoint-unreadable"; readonly sidecar: string; readonly problem: ReportProblem }
  | { readonly kind: "unreadable"; readonly sidecar: string; readonly problem: ReportProblem }
  | {
      readonly kind: "read";
      readonly sidecar: string;
      readonly problems: readonly MetadataProblem[];
      /** `ckpt.file.size` recorded in the sidecar, when it has one. */
      readonly recordedSize: number | null;
    };

export type AuditedCheckpoint = {
  readonly path: string;
  readonly kind: string;
  /** Set for a symlink whose sidecar is its target's. */
  readonly via: string | null;
  readonly size: number;
  readonly check: SidecarCheck;
};

export type CheckpointValidation = {
  readonly path: string;
  readonly kind: string;
  readonly status: ValidationStatus;
  readonly sidecar: string;
  readonly via: string | null;
  readonly problems: readonly ReportProblem[];
};

export type ValidationSummary = {
  readonly checkpoints: number;
  readonly valid: number;
  readonly invalid: number;
  readonly missing: number;
  readonly unreadable: number;
  readonly orphans: number;
  readonly warnings: number;
  readonly io_errors: number;
};

export type ValidationReport = {
  readonly checkpoints: readonly CheckpointValidation[];
  readonly orphans: readonly string[];
  readonly io_errors: readonly ReportProblem[];
  readonly summary: ValidationSummary;
};

function locate(sidecar: string, problem: MetadataProblem): ReportProblem {
  return {
    severity: problem.severity,
    code: problem.code,
    file: sidecar,
    field: problem.path,
    message: problem.message,
    ...(problem.line === undefined ? {} : { line: problem.line }),
    ...(problem.col === undefined ? {} : { col: problem.col }),
  };
}

function judge(entry: AuditedCheckpoint): CheckpointValidation {
  const base = { path: entry.path, kind: entry.kind, sidecar: entry.check.sidecar, via: entry.via };
  const check = entry.check;
  switch (check.kind) {
    case "missing":
      return { ...base, status: "missing", problems: [] };
    case "checkpoint-unreadable":
      return { ...base, status: "unreadable", problems: [check.problem] };
    case "unreadable":
      return { ...base, status: "invalid", problems: [check.problem] };
    case "read": {
      const problems = check.problems.map((problem) => locate(check.sidecar, problem));
      if (check.recordedSize !== null && check.recordedSize !== entry.size && entry.kind === "file") {
        problems.push({
          severity: "warning",
          code: "stale-sidecar",
          file: check.sidecar,
          field: "ckpt.file.size",
          message: `describes a ${check.recordedSize}-byte file but the checkpoint is ${entry.size} bytes now; run 'ckpt convert --force --checkpoint ${entry.path}' to refresh it`,
        });
      }
      const hasError = problems.some((problem) => problem.severity === "error");
      return { ...base, status: hasError ? "invalid" : "valid", problems };
    }
  }
}

function countWhere(rows: readonly CheckpointValidation[], status: ValidationStatus): number {
  return rows.filter((row) => row.status === status).length;
}

/** Judges every audited checkpoint and summarises; the exit code follows from the summary. */
export function buildValidationReport(input: {
  readonly checkpoints: readonly AuditedCheckpoint[];
  readonly orphans: readonly string[];
  readonly ioErrors: readonly ReportProblem[];
}): ValidationReport {
  const checkpoints = input.checkpoints.map(judge);
  const warnings = checkpoints.flatMap((row) => row.problems).filter((p) => p.severity === "warning").length;
  return {
    checkpoints,
    orphans: input.orphans,
    io_errors: input.ioErrors,
    summary: {
      checkpoints: checkpoints.length,
      valid: countWhere(checkpoints, "valid"),
      invalid: countWhere(checkpoints, "invalid"),
      missing: countWhere(checkpoints, "missing"),
      unreadable: countWhere(checkpoints, "unreadable"),
      orphans: input.orphans.length,
      warnings,
      io_errors: input.ioErrors.length,
    },
  };
}

/**
 * 0 all valid; 1 some invalid, unreadable or missing (missing allowed on request: a sidecar can be written for
 * those, not for an unreadable checkpoint); 2 when a path could not be walked.
 */
export function validationExitCode(
  summary: ValidationSummary,
  options: { allowMissing: boolean },
): 0 | 1 | 2 {
  if (summary.io_errors > 0) return 2;
  if (summary.invalid > 0 || summary.unreadable > 0) return 1;
  if (summary.missing > 0 && !options.allowMissing) return 1;
  return 0;
}
