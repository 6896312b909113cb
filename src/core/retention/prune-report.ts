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

/** The decisions as rows; `bytes`: what each frees, in the decisions' order. */
export function pruneRows(decisions: readonly RetentionDecision[], bytes: readonly number[]): PruneRow[] {
  return decisions.map((decision, at) => ({
    path: decision.entry.path,
    run: decision.run,
    action: decision.action,
    reason: decision.reason,
    bytes: bytes[at] ?? 0,
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

/** Runs of spaces by length, made once each: the names of a run are padded to one width. */
const PADDING: string[] = [""];

function padding(length: number): string {
  for (let made = PADDING.length; made <= length; made++) PADDING.push(" ".repeat(made));
  return PADDING[length] ?? "";
}

/**
 * Text made in parts and handed on in chunks of about `CHUNK_CHARS`: a 100k plan's 9 MB never becomes one string
 * (joining it and encoding it took ~0.13 s of a dry run), and each chunk is written while the next is made.
 */
class ChunkedText {
  readonly #write: (chunk: string) => void;
  #parts: string[] = [];
  #length = 0;

  constructor(write: (chunk: string) => void) {
    this.#write = write;
  }

  add(part: string): void {
    this.#parts.push(part);
    this.#length += part.length;
  }

  /** Called at a line's end: hands the parts on once they make a chunk. */
  lineEnd(): void {
    this.add("\n");
    if (this.#length >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.#length === 0) return;
    this.#write(this.#parts.join(""));
    this.#parts = [];
    this.#length = 0;
  }
}

const CHUNK_CHARS = 64 * 1024;

/**
 * One run's lines, added to `text`. A checkpoint under the run is named relative to it and escaped here (no
 * working-directory arithmetic per row: 100k rows are printed); any other path, and the run itself, as `show`
 * says. Reasons carry names from disk (`link to last.ckpt`), so they are escaped too.
 */
function addRunLines(
  run: string,
  rows: readonly PruneRow[],
  text: { readonly show: (path: string) => string; readonly out: ChunkedText },
) {
  const prefix = `${run}/`;
  const under = escapedEach(
    rows.map((row) => (row.path.startsWith(prefix) ? row.path.slice(prefix.length) : "")),
  );
  const names = rows.map((row, at) =>
    row.path.startsWith(prefix) ? (under[at] ?? "") : text.show(row.path),
  );
  const reasons = escapedEach(rows.map((row) => row.reason));
  let width = 0;
  for (const name of names) if (name.length > width) width = name.length;
  const { out } = text;
  out.add(runHeader(run, rows, text.show));
  out.lineEnd();
  for (let at = 0; at < rows.length; at++) {
    const name = names[at] ?? "";
    out.add((rows[at] as PruneRow).action === "keep" ? "  keep    " : "  delete  ");
    out.add(name);
    out.add(padding(width - name.length));
    out.add("  ");
    out.add(reasons[at] ?? "");
    out.lineEnd();
  }
}

/** The rows by run, in the order runs first appear (a plan's come run by run: each run is one slice). */
function rowsByRun(rows: readonly PruneRow[]): Map<string, PruneRow[]> {
  const byRun = new Map<string, PruneRow[]>();
  let from = 0;
  while (from < rows.length) {
    const run = (rows[from] as PruneRow).run;
    let to = from + 1;
    while (to < rows.length && (rows[to] as PruneRow).run === run) to++;
    const known = byRun.get(run);
    if (known === undefined) byRun.set(run, rows.slice(from, to));
    else known.push(...rows.slice(from, to));
    from = to;
  }
  return byRun;
}

/**
 * A prune plan for people: per run, each checkpoint with keep/delete and the reasons, then the total. `show`
 * turns a path into what is printed (relative to the working directory, escaped); `write` gets the text in
 * chunks of whole lines, in order.
 */
export function writePrunePlan(
  rows: readonly PruneRow[],
  options: {
    readonly show: (path: string) => string;
    readonly executed: boolean;
    readonly write: (chunk: string) => void;
  },
): void {
  const out = new ChunkedText(options.write);
  const text = { show: options.show, out };
  for (const [run, runRows] of rowsByRun(rows)) addRunLines(run, runRows, text);
  const totals = pruneTotals(rows);
  const verb = options.executed ? "deleted" : "to delete";
  out.add(
    `total: ${totals.delete} of ${totals.checkpoints} checkpoints ${verb}, ${formatBytes(totals.bytes_freed)} ${options.executed ? "freed" : "to free"}`,
  );
  out.lineEnd();
  out.flush();
}

/** `writePrunePlan`'s text as one string. */
export function renderPrunePlan(
  rows: readonly PruneRow[],
  options: { readonly show: (path: string) => string; readonly executed: boolean },
): string {
  const chunks: string[] = [];
  writePrunePlan(rows, { ...options, write: (chunk) => chunks.push(chunk) });
  return chunks.join("");
}
