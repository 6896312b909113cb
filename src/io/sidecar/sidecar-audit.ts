import { existsSync } from "node:fs";
import { isAssemblable, readReportFacts } from "../../core/metadata/report-facts.ts";
import { checkpointCandidatesForSidecar, ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import type {
  AuditedCheckpoint,
  ReportProblem,
  SidecarCheck,
} from "../../core/validation/validation-report.ts";
import { readCheckpointReport } from "../checkpoint/read-checkpoint.ts";
import { realPathOf } from "../fs/fs-memo.ts";
import { fsPath } from "../fs/fs-path.ts";
import { type CheckpointLocation, locationUnder } from "../scan/checkpoint-location.ts";
import { walkCheckpoints } from "../scan/checkpoint-walker.ts";
import { NOT_FOLLOWED } from "../scan/root-scope.ts";
import { keepsRows } from "../scan/walk-candidate.ts";
import { sidecarLocation } from "./sidecar-placement.ts";
import { readSidecar } from "./sidecar-store.ts";

export type SidecarAudit = {
  readonly checkpoints: AuditedCheckpoint[];
  readonly orphans: string[];
  readonly ioErrors: ReportProblem[];
  /** Symlinks the walk did not follow out of the roots, one message each: not errors, but worth saying. */
  readonly notices: string[];
};

/** Where `sidecarLocation` puts the checkpoint's sidecar, and the link target it shares it with, if any. */
function sidecarOf(location: CheckpointLocation): { sidecar: string; via: string | null } {
  const { file, root } = location;
  const sidecar = sidecarLocation(file, { scanRoot: root });
  return { sidecar, via: sidecar === ownSidecarPath(file) ? null : realPathOf(null, file.path) };
}

/** The store's messages start with `file[:line:col]: `; the report keeps those in fields, not in the text. */
function withoutLocation(message: string, file: string): string {
  if (!message.startsWith(file)) return message;
  return message.slice(file.length).replace(/^(:\d+)*: /, "");
}

/**
 * A checkpoint without a sidecar is read (a few KB, as `convert` would): "missing" advice to run `convert` is only
 * true for a checkpoint a sidecar can be written for; an empty, truncated or corrupt file gets the reader's reason.
 */
function checkWithoutSidecar(path: string, sidecar: string): SidecarCheck {
  const report = readCheckpointReport(path);
  if (isAssemblable(readReportFacts(report))) return { kind: "missing", sidecar };
  const message = report.error?.message ?? `${path}: ${report.status}`;
  const problem: ReportProblem = {
    severity: "error",
    code: report.error?.code ?? report.status,
    file: path,
    field: "",
    message: withoutLocation(message, path),
  };
  return { kind: "checkpoint-unreadable", sidecar, problem };
}

function checkSidecar(path: string, sidecar: string): SidecarCheck {
  const read = readSidecar(sidecar);
  if (read.success) {
    const size = read.data.data?.ckpt?.file?.size;
    return { kind: "read", sidecar, problems: read.data.problems, recordedSize: size ?? null };
  }
  if (read.error.code === "not-found") return checkWithoutSidecar(path, sidecar);
  const problem: ReportProblem = {
    severity: "error",
    code: read.error.code,
    file: sidecar,
    field: "",
    message: withoutLocation(read.error.message, sidecar),
    ...(read.error.line === undefined ? {} : { line: read.error.line }),
    ...(read.error.col === undefined ? {} : { col: read.error.col }),
  };
  return { kind: "unreadable", sidecar, problem };
}

/**
 * Walks the roots and reads every checkpoint's sidecar. A sidecar is an orphan when no checkpoint it could belong
 * to exists. Paths that could not be read become io errors rather than aborting the walk.
 */
export function auditSidecars(
  roots: readonly string[],
  options: { readonly recursive: boolean; readonly followSymlinks?: boolean },
): SidecarAudit {
  const walk = walkCheckpoints(roots, options);
  const used = new Set<string>();
  const checkpoints = walk.checkpoints.map((found): AuditedCheckpoint => {
    const { sidecar, via } = sidecarOf(locationUnder(found, roots));
    used.add(sidecar);
    return {
      path: found.path,
      kind: found.kind,
      via,
      size: found.size,
      check: checkSidecar(found.path, sidecar),
    };
  });
  const orphans = walk.sidecars.filter(
    (sidecar) =>
      !used.has(sidecar) && !checkpointCandidatesForSidecar(sidecar).some((path) => existsSync(fsPath(path))),
  );
  const notices = walk.problems
    .filter((problem) => problem.code === NOT_FOLLOWED)
    .map((problem) => problem.message);
  const ioErrors = walk.problems.filter(keepsRows).map(
    (problem): ReportProblem => ({
      severity: "error",
      code: problem.code,
      file: problem.path,
      field: "",
      message: problem.message,
    }),
  );
  return { checkpoints, orphans, ioErrors, notices };
}
