import { assertNever } from "../assert-never.ts";
import { formatBytes } from "../catalog/human-units.ts";
import { escapeControl } from "../text/escape-control.ts";
import type { RetentionAction, RetentionDecision } from "./retention-plan.ts";

/**
 * Where a plan's bytes and freshness come from: `disk`, each checkpoint to delete looked at (allocated bytes with
 * its sidecar, its row checked against the file); `catalog`, a dry run's catalogued sizes, each checked only to be
 * still listed in its directory.
 */
export const PLAN_MEASURES = ["disk", "catalog"] as const;
export type PlanMeasure = (typeof PLAN_MEASURES)[number];

/** What a plan's bytes are, said with its `--json` (`note`) and under its text. */
export function sizesNote(measured: PlanMeasure): string {
  switch (measured) {
    case "disk":
      return "bytes measured on disk (allocated, sidecar included); each checkpoint checked against its catalog row";
    case "catalog":
      return "bytes and times as catalogued, not checked against the disk (sidecars not counted); --yes checks each checkpoint before deleting it";
    default:
      return assertNever(measured);
  }
}

/** One checkpoint of a prune plan as `--json` prints it. */
export type PruneRow = {
  readonly path: string;
  readonly run: string;
  readonly action: RetentionAction;
  readonly reason: string;
  /** Allocated bytes of the checkpoint and its sidecar (what deleting it frees; a hard link kept elsewhere frees 0). */
  readonly bytes: number;
};

export type PruneTotals = {
  readonly checkpoints: number;
  readonly keep: number;
  readonly delete: number;
  readonly bytes_freed: number;
};

export function pruneRows(
  decisions: readonly RetentionDecision[],
  bytesOf: (decision: RetentionDecision) => number,
): PruneRow[] {
  return decisions.map((decision) => ({
    path: decision.entry.path,
    run: decision.run,
    action: decision.action,
    reason: decision.reason,
    bytes: bytesOf(decision),
  }));
}

/** The paths a plan deletes, in order, to tell whether a new plan is still the one shown and agreed to. */
export function deletionKey(rows: readonly { readonly path: string; readonly action: string }[]): string {
  return JSON.stringify(rows.flatMap((row) => (row.action === "delete" ? [row.path] : [])));
}

export function pruneTotals(rows: readonly PruneRow[]): PruneTotals {
  let deleted = 0;
  let freed = 0;
  for (const row of rows) {
    if (row.action !== "delete") continue;
    deleted++;
    freed += row.bytes;
  }
  return { checkpoints: rows.length, keep: rows.length - deleted, delete: deleted, bytes_freed: freed };
}

function runHeader(run: string, rows: readonly PruneRow[], show: (path: string) => string): string {
  const totals = pruneTotals(rows);
  const freed = totals.delete === 0 ? "" : `, ${formatBytes(totals.bytes_freed)} freed`;
  return `run ${show(run)}: ${totals.keep} kept, ${totals.delete} to delete${freed}`;
}

/**
 * Each text escaped as `escapeControl` says. It escapes character by character, so texts that come through it
 * unchanged when joined by "/" (never escaped) need nothing each: one call for most runs instead of one per name.
 */
function escapedEach(texts: readonly string[]): readonly string[] {
  const joined = texts.join("/");
  return escapeControl(joined) === joined ? texts : texts.map(escapeControl);
}

/**
 * One run's lines. A checkpoint under the run is named relative to it and escaped here (no working-directory
 * arithmetic per row: 100k rows are printed); any other path, and the run itself, as `show` says. Reasons carry
 * names from disk (`link to last.ckpt`), so they are escaped too.
 */
function runLines(run: string, rows: readonly PruneRow[], show: (path: string) => string): string[] {
  const prefix = `${run}/`;
  const under = escapedEach(
    rows.map((row) => (row.path.startsWith(prefix) ? row.path.slice(prefix.length) : "")),
  );
  const names = rows.map((row, at) => (row.path.startsWith(prefix) ? (under[at] ?? "") : show(row.path)));
  const reasons = escapedEach(rows.map((row) => row.reason));
  const width = names.reduce((widest, name) => Math.max(widest, name.length), 0);
  const lines = [runHeader(run, rows, show)];
  rows.forEach((row, at) => {
    const name = (names[at] ?? "").padEnd(width);
    lines.push(`  ${row.action === "keep" ? "keep  " : "delete"}  ${name}  ${reasons[at] ?? ""}`);
  });
  return lines;
}

/**
 * A prune plan for people: per run, each checkpoint with keep/delete and the reasons, then the total. `show`
 * turns a path into what is printed (relative to the working directory, escaped).
 */
export function renderPrunePlan(
  rows: readonly PruneRow[],
  options: { readonly show: (path: string) => string; readonly executed: boolean },
): string {
  const byRun = new Map<string, PruneRow[]>();
  for (const row of rows) {
    const list = byRun.get(row.run);
    if (list === undefined) byRun.set(row.run, [row]);
    else list.push(row);
  }
  const lines: string[] = [];
  for (const [run, runRows] of byRun) lines.push(...runLines(run, runRows, options.show));
  const totals = pruneTotals(rows);
  const verb = options.executed ? "deleted" : "to delete";
  lines.push(
    `total: ${totals.delete} of ${totals.checkpoints} checkpoints ${verb}, ${formatBytes(totals.bytes_freed)} ${options.executed ? "freed" : "to free"}`,
  );
  return `${lines.join("\n")}\n`;
}
