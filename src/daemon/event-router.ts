import { assertNever } from "../core/assert-never.ts";
import type { DaemonJob } from "./daemon-jobs.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import type { SettleOutcome, SettleScheduler } from "./settle-scheduler.ts";
import { settlePathOf, type WatchEvent } from "./watch-event.ts";

export type RouterTargets = {
  readonly settle: Pick<SettleScheduler, "notice" | "forget">;
  readonly enqueue: (job: DaemonJob) => void;
  /** A path is gone: its rows (and rows under it) go with the next removal batch. */
  readonly remove: (path: string) => void;
  /** A run file changed; the loop debounces, since training appends to these all the time. */
  readonly metricsChanged: (file: string) => void;
  readonly journal: DaemonJournal;
};

/**
 * Watch events are hints (DESIGN §6): a checkpoint path goes to the settle scheduler, which decides when it is
 * complete; a removal cancels settling and drops the entry; a run file re-assembles its run's metrics; watcher
 * faults are logged once per path.
 */
export function routeWatchEvent(event: WatchEvent, targets: RouterTargets): void {
  const settlePath = settlePathOf(event);
  switch (event.kind) {
    case "file-added":
    case "file-changed":
      if (settlePath !== undefined) targets.settle.notice(settlePath);
      else if (event.role.kind === "metric-file") targets.metricsChanged(event.path);
      return;
    case "file-removed":
      if (event.role.kind === "checkpoint-file") {
        targets.settle.forget(event.path);
        targets.remove(event.path);
      } else if (settlePath !== undefined) targets.settle.notice(settlePath);
      else targets.metricsChanged(event.path);
      return;
    case "dir-added":
      if (settlePath !== undefined) targets.settle.notice(settlePath);
      return;
    case "dir-removed":
      // One event for the whole directory, however many checkpoints were in it: one range of the path index.
      if (settlePath !== undefined) targets.settle.forget(settlePath);
      targets.remove(event.path);
      return;
    case "error":
      targets.journal.once(`watch:${event.code}:${event.path ?? ""}`, "warn", "watch problem", {
        path: event.path,
        code: event.code,
        cause: event.message,
      });
      return;
    case "ready":
      return;
    default:
      assertNever(event);
  }
}

/** Settle outcomes: ready → index; incomplete → one line when it starts being written; vanished → drop the entry. */
export function routeSettleOutcome(outcome: SettleOutcome, targets: RouterTargets): void {
  const { journal } = targets;
  switch (outcome.kind) {
    case "ready":
      journal.clear(`abandoned:${outcome.path}`);
      targets.enqueue({ kind: "index", path: outcome.path, identity: outcome.identity });
      return;
    case "retrying":
      // A slow write is one line when it starts; each look at it (one per chunk) is detail for --log-level debug.
      if (outcome.incompleteLooks === 1) {
        journal.log("info", "checkpoint being written", { path: outcome.path });
        // Already catalogued (truncated, rewritten in place): its row must stop saying "ok" now.
        targets.enqueue({ kind: "index", path: outcome.path, recheck: true });
      }
      journal.log("debug", "file incomplete, retrying", {
        path: outcome.path,
        attempt: outcome.incompleteLooks,
        retry_in_ms: outcome.delayMs,
        reason: outcome.completeness.reason,
      });
      return;
    case "abandoned":
      journal.once(
        `abandoned:${outcome.path}`,
        "warn",
        "file stayed incomplete; giving up until it changes",
        {
          path: outcome.path,
          cause: outcome.completeness.reason,
          incomplete_for_s: Math.round(outcome.incompleteForMs / 1000),
        },
      );
      return;
    case "cancelled":
      if (outcome.reason === "vanished") targets.remove(outcome.path);
      return;
    default:
      assertNever(outcome);
  }
}
