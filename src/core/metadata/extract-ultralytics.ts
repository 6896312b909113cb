import {
  type FitnessFormula,
  fitnessFrom,
  ultralyticsFitnessFormula,
} from "../metrics/ultralytics-fitness.ts";
import { type ResultsRow, resultsRowsOf } from "../runs/ultralytics-results-csv.ts";
import { stringAt } from "./plain-values.ts";
import type { ReportFacts } from "./report-facts.ts";
import type { RunContext } from "./run-context-model.ts";

/** A fact about an Ultralytics checkpoint and where it was read. */
export type UltralyticsFound = { readonly value: number; readonly source: string };

/** The run's results.csv rows in file order. */
export function resultsRows(run: RunContext): ResultsRow[] {
  return resultsRowsOf(
    run.series.filter((series) => series.source === "results.csv").flatMap((s) => s.points),
  );
}

/** Trainings that reused the run dir (`exist_ok=True`) append rows whose epochs start again: newest first. */
function sessionsNewestFirst(rows: readonly ResultsRow[]): ResultsRow[][] {
  const sessions: ResultsRow[][] = [];
  for (const row of rows) {
    const current = sessions.at(-1);
    const previous = current?.at(-1);
    if (current === undefined || previous === undefined || row.epoch <= previous.epoch) sessions.push([row]);
    else current.push(row);
  }
  return sessions.reverse();
}

function numericRecord(value: unknown): Record<string, number> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
  );
}

/** The run's fitness formula: the task from the train args, the version from the file, a saved fitness deciding. */
export function ultralyticsFormulaOf(facts: ReportFacts, run: RunContext): FitnessFormula | null {
  if (facts.framework !== "ultralytics") return null;
  const saved = numericRecord(facts.train_metrics);
  const columns = [...Object.keys(saved), ...Object.keys(resultsRows(run)[0]?.values ?? {})];
  return ultralyticsFitnessFormula({
    task: stringAt(facts.train_args, "task") ?? stringAt(run.ultralyticsArgs, "task") ?? null,
    version: typeof facts.version === "string" ? facts.version : null,
    columns,
    saved: Object.hasOwn(saved, "fitness") ? saved : null,
  });
}

// results.csv holds `%.6g` (8.0–8.2: `%.5g`) of the values `train_metrics` holds rounded to 5 decimals.
function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Whether a row holds the metrics a checkpoint saved (every shared column, at least two). */
function holds(row: ResultsRow, saved: Readonly<Record<string, number>>): boolean {
  const shared = Object.keys(saved).filter((name) => name !== "fitness" && Object.hasOwn(row.values, name));
  return (
    shared.length >= 2 && shared.every((name) => sameValue(row.values[name] ?? Number.NaN, saved[name] ?? 0))
  );
}

type Pick = { readonly row: ResultsRow; readonly why: string };

/** The row whose values are the checkpoint's `train_metrics`: the first such (best.pt), the last for last.pt. */
function rowOfSavedMetrics(
  sessions: readonly ResultsRow[][],
  facts: ReportFacts,
  isLast: boolean,
): Pick | null {
  const saved = numericRecord(facts.train_metrics);
  for (const session of sessions) {
    const matching = session.filter((row) => holds(row, saved));
    const row = isLast ? matching.at(-1) : matching[0];
    if (row !== undefined) return { row, why: "the row of its train_metrics" };
  }
  return null;
}

/** Without saved metrics (8.0): best.pt is the first row of the highest fitness, last.pt the last row. */
function rowByName(
  session: readonly ResultsRow[],
  name: string,
  formula: FitnessFormula | null,
): Pick | null {
  if (name === "last.pt") {
    const row = session.at(-1);
    return row === undefined ? null : { row, why: "the last row" };
  }
  if (name !== "best.pt" || formula === null) return null;
  let best: { row: ResultsRow; fitness: number } | null = null;
  for (const row of session) {
    const fitness = fitnessFrom(formula, row.values);
    if (fitness !== null && (best === null || fitness > best.fitness)) best = { row, fitness };
  }
  return best === null ? null : { row: best.row, why: `the highest ${formula.text}` };
}

/**
 * The real epoch of Ultralytics final weights: `strip_optimizer` writes epoch −1 into `best.pt`/`last.pt` when
 * training ends. The results.csv row that holds the file's `train_metrics` names it (8.1+); without them (8.0)
 * best.pt is the row of the highest fitness and last.pt the last row of the latest training in the run dir.
 */
export function ultralyticsFinalEpoch(options: {
  readonly facts: ReportFacts;
  readonly run: RunContext;
  readonly checkpointPath: string;
  readonly formula: FitnessFormula | null;
}): UltralyticsFound | null {
  const { facts } = options;
  if (facts.framework !== "ultralytics" || facts.epoch !== -1) return null;
  const sessions = sessionsNewestFirst(resultsRows(options.run));
  const latest = sessions[0];
  if (latest === undefined) return null;
  const name = options.checkpointPath.slice(options.checkpointPath.lastIndexOf("/") + 1);
  const pick =
    rowOfSavedMetrics(sessions, facts, name.startsWith("last")) ?? rowByName(latest, name, options.formula);
  return pick === null
    ? null
    : { value: pick.row.epoch, source: `results.csv@epoch=${pick.row.epoch} (${pick.why})` };
}

/**
 * The checkpoint's fitness when it saved none (8.0, or a `train_metrics` without it): the formula over its
 * metric values, with the formula and where the values came from as the source.
 */
export function computedFitness(
  formula: FitnessFormula | null,
  values: Readonly<Record<string, { readonly value: number; readonly source: string }>>,
): UltralyticsFound | null {
  if (formula === null || Object.hasOwn(values, "fitness")) return null;
  const plain = Object.fromEntries(Object.entries(values).map(([name, found]) => [name, found.value]));
  const value = fitnessFrom(formula, plain);
  const from = values[formula.terms[0]?.column ?? ""]?.source;
  if (value === null || from === undefined) return null;
  return { value, source: `${formula.text} of ${from} (${formula.basis})` };
}
