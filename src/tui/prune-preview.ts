import { formatBytes } from "../core/catalog/human-units.ts";
import type { Result } from "../core/result.ts";
import { type PruneRow, pruneTotals } from "../core/retention/prune-report.ts";
import { escapeControl } from "../core/text/escape-control.ts";

/** The policy `d` proposes: the run's best and its newest (the resume point) stay, the rest would go. */
export const DEFAULT_TUI_RETAIN = "best=1,last=1";

/** What `ckpt prune` would do to one run under a policy, as the TUI marks it. */
export type PrunePreview = {
  /** The run's directory. */
  readonly run: string;
  readonly label: string;
  /** The policy as typed (`best=1,last=1`). */
  readonly spec: string;
  readonly rows: readonly PruneRow[];
};

/**
 * Pruning from the TUI: the same planner and executor as `ckpt prune`, or why the session cannot (`--readonly`,
 * a shared catalog). `execute` re-plans under the catalog's lock and deletes only if the plan is still the
 * preview's; it resolves to what happened, for the status line.
 */
export type TuiPruner =
  | { readonly kind: "disabled"; readonly why: string }
  | {
      readonly kind: "enabled";
      readonly preview: (run: { dir: string; label: string }, spec: string) => Result<PrunePreview, string>;
      readonly execute: (preview: PrunePreview) => Promise<string>;
    };

/** The paths that would go. */
export function doomedPaths(preview: PrunePreview | null): ReadonlySet<string> {
  if (preview === null) return new Set();
  return new Set(preview.rows.flatMap((row) => (row.action === "delete" ? [row.path] : [])));
}

/** The status line while the policy is typed. */
export function policyPromptText(label: string, text: string): string {
  return `prune ${escapeControl(label)}: keep ${text}▏ (best=K,last=N,every=N,since=7d) Enter previews, Esc cancels`;
}

/** The status line of a preview: how many would go, the bytes freed, the keys, and why the row under the cursor goes or stays. */
export function previewText(preview: PrunePreview, cursorPath: string | null): string {
  const totals = pruneTotals(preview.rows);
  const label = escapeControl(preview.label);
  const head =
    totals.delete === 0
      ? `prune ${label} (${preview.spec}): nothing would go; n/Esc closes`
      : `prune ${label} (${preview.spec}): ${totals.delete} of ${totals.checkpoints} would go, ${formatBytes(totals.bytes_freed)} freed; y deletes, n/Esc cancels`;
  const row = preview.rows.find((candidate) => candidate.path === cursorPath);
  if (row === undefined) return head;
  return `${head} │ this row: ${row.action === "delete" ? "would go" : "stays"}: ${escapeControl(row.reason)}`;
}
