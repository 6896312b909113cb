import { fail, ok, type Result } from "../result.ts";
import { type CsvRow, splitCsvRows } from "./csv-rows.ts";
import { type MetricPoint, parsePythonFloat, type RunFileError, runFileError } from "./metric-series.ts";

/** Columns that locate a row rather than hold a metric. */
const POSITION_COLUMNS = new Set(["step", "epoch"]);

function readInteger(cells: readonly string[], column: number): number | null {
  if (column < 0) return null;
  const value = parsePythonFloat(cells[column] ?? "");
  return value !== undefined && Number.isInteger(value) ? value : null;
}

function rowPoints(row: CsvRow, header: readonly string[]): MetricPoint[] {
  const step = readInteger(row.cells, header.indexOf("step"));
  const epoch = readInteger(row.cells, header.indexOf("epoch"));
  const points: MetricPoint[] = [];
  header.forEach((name, column) => {
    if (POSITION_COLUMNS.has(name)) return;
    const value = parsePythonFloat(row.cells[column] ?? "");
    if (value !== undefined) points.push({ name, step, epoch, value });
  });
  return points;
}

/**
 * Lightning CSVLogger `metrics.csv` → metric points in file order. Rows are sparse (empty cells are "not logged"),
 * the header is the union of keys (sorted alphabetically in 2.2+, first-seen order before), `step`/`epoch` columns
 * place each row (rows with only an `lr-*` value often have no epoch), values are `str(float)` incl. `nan`/`inf`.
 * The file is rewritten whole when a column appears and flushed in batches, so an unterminated last line is ignored
 * and an empty file is an empty run, not an error.
 */
export function parseLightningMetricsCsv(text: string, file: string): Result<MetricPoint[], RunFileError> {
  const [header, ...rows] = splitCsvRows(text).rows;
  if (header === undefined) return ok([]);
  const names = header.cells.map((name) => name.trim());
  if (!names.includes("step") && !names.includes("epoch")) {
    return fail(
      runFileError({
        file,
        line: header.line,
        problem: `header has neither a "step" nor an "epoch" column (${names.slice(0, 5).join(",")}…)`,
        hint: "pass a CSVLogger metrics.csv, or check the file is not another CSV named metrics.csv",
      }),
    );
  }
  return ok(rows.flatMap((row) => rowPoints(row, names)));
}
