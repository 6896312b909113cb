import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { sidecarPathFor } from "../core/metadata/sidecar-path.ts";
import type { StripMark } from "../core/retention/strip-mark.ts";
import { indexCheckpointPath } from "../daemon/index-checkpoint.ts";
import { stripOptimizer } from "../io/disk/optimizer-strip.ts";
import type { PrunePlan } from "../io/disk/prune-planning.ts";
import { mayStrip } from "../io/disk/strip-candidates.ts";
import { fsPath } from "../io/fs/fs-path.ts";
import { rootScopeOf } from "../io/scan/root-scope.ts";

// `prune --strip-optimizer`: the kept checkpoints it applies to (strip-candidates.ts), previewed in a dry run and
// rewritten with --yes (optimizer-strip.ts), each rewritten one then indexed again through the daemon's single-path
// indexing, as a scan would index a changed file.

/**
 * The sidecar rule's mode for the re-read: a sidecar there is rewritten when ckpt wrote it (kept when the user did,
 * `sidecarWriteVerdict`); where there is none, none is created (prune does not add files).
 */
function sidecarModeFor(path: string): SidecarMode {
  return existsSync(fsPath(sidecarPathFor(path, { kind: "file" }))) ? "write" : "read";
}

export type StripRun = {
  readonly roots: readonly string[];
  readonly now: () => number;
  readonly show: (message: string) => string;
  readonly onFailure: (message: string) => void;
};

/** Strips each kept candidate in turn; a failure on one is reported and the rest goes on. */
export async function stripKept(
  database: Database,
  plan: PrunePlan,
  run: StripRun,
): Promise<{ readonly marks: Map<string, StripMark>; readonly failures: readonly string[] }> {
  const marks = new Map<string, StripMark>();
  const failures: string[] = [];
  const scope = rootScopeOf(run.roots);
  for (const decision of plan.decisions) {
    if (!mayStrip(decision)) continue;
    const path = decision.entry.path;
    const outcome = stripOptimizer(path);
    if (outcome.kind === "absent") continue;
    if (outcome.kind === "failed") {
      const message = run.show(outcome.message);
      failures.push(message);
      run.onFailure(message);
      marks.set(path, { kind: "refused", reason: "not stripped (see above)" });
      continue;
    }
    marks.set(path, { kind: "stripped", bytesSaved: outcome.bytesSaved });
    const sidecars = sidecarModeFor(path);
    const indexed = await indexCheckpointPath(database, {
      path,
      roots: run.roots,
      scope,
      sidecars,
      now: run.now,
    });
    if (indexed.kind === "indexed" || indexed.kind === "alias") continue;
    const message = run.show(
      `${path}: stripped, but its catalog row was not updated (${indexed.kind}); run 'ckpt scan'`,
    );
    failures.push(message);
    run.onFailure(message);
  }
  return { marks, failures };
}
