import { accessSync, constants, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { runOf } from "../core/catalog/best-entries.ts";
import { POLICY_FILE_NAMES, type PolicyFile, parsePolicyFile } from "../core/retention/retain-spec.ts";
import type { RetentionPolicy } from "../core/retention/retention-policy.ts";
import { entriesByPath } from "../io/catalog/catalog-reads.ts";
import { filesystemSpace } from "../io/disk/filesystem-space.ts";
import { executePrune, finishInterruptedPrunes } from "../io/disk/prune-executor.ts";
import { buildPrunePlan } from "../io/disk/prune-planning.ts";
import { fsPath } from "../io/fs/fs-path.ts";
import type { JobContext } from "./daemon-jobs.ts";

/** `ckpt watch --retain SPEC [--retain-dry-run]`: the policy for roots without a policy file of their own. */
export type StandingRetention = {
  readonly policy: RetentionPolicy | null;
  readonly dryRun: boolean;
  /** `ckpt watch --readonly`: every policy, a root's file too, only logs. */
  readonly readOnly?: boolean;
  /** Checkpoints changed more recently are not settled and stay. */
  readonly settleMs: number;
};

/** Below this much free space beside the catalog, deletions could not be recorded: the policy waits. */
const CATALOG_HEADROOM_BYTES = 16 * 1024 * 1024;

/** The root's `.ckpt.yaml`/`ckpt.yaml` policy, or null when it has none; a broken file is an error. */
function policyFileOf(root: string): { file: PolicyFile | null; problem: string | null } {
  for (const name of POLICY_FILE_NAMES) {
    const path = `${root}/${name}`;
    let text: string;
    try {
      text = readFileSync(fsPath(path), "utf8");
    } catch {
      continue;
    }
    const parsed = parsePolicyFile(text, path);
    return parsed.success ? { file: parsed.data, problem: null } : { file: null, problem: parsed.error };
  }
  return { file: null, problem: null };
}

/** Why the catalog could not record what the policy deletes (read-only, nearly full), or null. */
function catalogCannotRecord(catalogPath: string): string | null {
  const directory = dirname(catalogPath);
  try {
    accessSync(fsPath(directory), constants.W_OK);
  } catch {
    return `${directory} is not writable`;
  }
  const space = filesystemSpace(directory);
  if (space !== null && space.free_bytes < CATALOG_HEADROOM_BYTES)
    return `${space.mount_point} has ${space.free_bytes} bytes free`;
  return null;
}

/** A checkpoint that settled, and the root it is under. */
type RetainRequest = { readonly path: string; readonly root: string };

function logWouldDelete(context: JobContext, targets: ReturnType<typeof buildPrunePlan>["targets"]) {
  for (const target of targets)
    context.journal.log("info", "retention would delete", {
      path: target.decision.entry.path,
      reason: target.decision.reason,
      bytes: target.bytes,
    });
}

/**
 * Applies the standing policy to one run after a checkpoint of it settled: the root's policy file wins over
 * `--retain`. Each deletion is logged; `dryRun` only logs. Nothing runs while the catalog could not record it.
 */
export function applyStandingRetention(
  context: JobContext,
  retention: StandingRetention,
  request: RetainRequest,
): void {
  const { file, problem } = policyFileOf(request.root);
  if (problem !== null) {
    context.journal.once(`policy:${request.root}`, "error", "retention policy unreadable; nothing pruned", {
      path: request.root,
      cause: problem,
    });
    return;
  }
  const policy = file?.policy ?? retention.policy;
  if (policy === null) return;
  const dryRun = retention.readOnly === true || (file?.dryRun ?? retention.dryRun);
  const blocked = dryRun ? null : catalogCannotRecord(context.database.filename);
  if (blocked !== null) {
    context.journal.once(
      "retention-blocked",
      "warn",
      "retention paused: the catalog cannot record deletions",
      { cause: blocked },
    );
    return;
  }
  const [entry] = entriesByPath(context.database, [request.path]);
  if (entry === undefined) return;
  if (!dryRun) finishInterruptedPrunes(context.database, [request.root]);
  const plan = buildPrunePlan(context.database, {
    roots: [request.root],
    runDir: runOf(entry),
    policy,
    now: context.now(),
    settleMs: retention.settleMs,
  });
  if (dryRun) {
    logWouldDelete(context, plan.targets);
    return;
  }
  const reasons = new Map(plan.targets.map((target) => [target.decision.entry.path, target.decision.reason]));
  executePrune(context.database, plan.targets, {
    mode: "delete",
    now: context.now,
    onOutcome: (outcome) => {
      const reason = reasons.get(outcome.path);
      if (outcome.kind === "removed")
        context.journal.log("info", "retention deleted", {
          path: outcome.path,
          reason,
          bytes: outcome.bytes,
        });
      else
        context.journal.log("warn", "retention could not delete", {
          path: outcome.path,
          reason,
          cause: outcome.message,
        });
    },
  });
}
