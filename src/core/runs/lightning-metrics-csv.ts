import { fail, ok, type Result } from "../result.ts";
import { type CsvPointReader, collectCsvPoints } from "./csv-point-reader.ts";
import type { CsvRow } from "./csv-rows.ts";
import { type MetricPoint, parsePythonFloat, type RunFileError, runFileError } from "./metric-series.ts";

/** Columns that locate a row rather than hold a metric. */
const POSITION_COLUMNS = new Set(["step", "epoch"]);

function readInteger(cells: readonly string[], column: number): number | null {
  if (column < 0) return null;
  const value = parsePythonFloat(cells[column] ?? "");
  return value !== undefined && Number.isInteger(value) ? value : null;
}

type Columns = { readonly names: readonly string[]; readonly step: number; readonly epoch: number };

function rowPoints(row: CsvRow, columns: Columns): MetricPoint[] {
  const { cells } = row;
  const step = readInteger(cells, columns.step);
  const epoch = readInteger(cells, columns.epoch);
  const points: MetricPoint[] = [];
  for (let column = 0; column < columns.names.length; column++) {
    const text = cells[column];
    // Rows are sparse: most cells are empty.
    if (text === undefined || text === "" || column === columns.step || column === columns.epoch) continue;
    const name = columns.names[column] as string;
    if (POSITION_COLUMNS.has(name)) continue;
    const value = parsePythonFloat(text);
    if (value !== undefined) points.push({ name, step, epoch, value });
  }
  return points;
}

/**
 * Lightning CSVLogger `metrics.csv` rows → metric points in file order. Rows are sparse (empty cells are "not
 * logged"), the header is the union of keys (sorted alphabetically in 2.2+, first-seen order before), `step`/`epoch`
 * columns place each row (rows with only an `lr-*` value often have no epoch), values are `str(float)` incl.
 * `nan`/`inf`. The file is rewritten whole when a column appears and flushed in batches, so an unterminated last
 * line is ignored and an empty file is an empty run, not an error.
 */
export function lightningCsvReader(file: string): CsvPointReader {
  let columns: Columns | undefined;
  return (row) => {
    if (columns !== undefined) return ok(rowPoints(row, columns));
    const names = row.cells.map((name) => name.trim());
    columns = { names, step: names.indexOf("step"), epoch: names.indexOf("epoch") };
    if (columns.step >= 0 || columns.epoch >= 0) return ok([]);
    return fail(
      runFileError({
        file,
        line: row.line,
        problem: `header has neither a "step" nor an "epoch" column (${names.slice(0, 5).join(",")}…)`,
        hint: "pass a CSVLogger metrics.csv, or check the file is not another CSV named metrics.csv",
      }),
    );
  };
}

/** A whole `metrics.csv` text (see `lightningCsvReader`). */
export function parseLightningMetricsCsv(text: string, file: string): Result<MetricPoint[], RunFileError> {
  return collectCsvPoints(text, lightningCsvReader(file));
}
