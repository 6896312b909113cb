import { fail, ok, type Result } from "../result.ts";
import { type CsvPointReader, collectCsvPoints } from "./csv-point-reader.ts";
import { parseYamlMapping } from "./hydra-config.ts";
import { type MetricPoint, parsePythonFloat, type RunFileError, runFileError } from "./metric-series.ts";

/**
 * Ultralytics `results.csv` rows → one point per column per epoch. Handles both dialects: 8.0–8.2 pad every name
 * and value to width 23 (stripped here) and have no `time` column; later versions add `time` (seconds since the
 * start of training, kept as an ordinary point named `time`). The CSV's `epoch` is **1-based** (`self.epoch + 1`);
 * points carry the 0-based epoch the checkpoint's `epoch` field uses. Appended per epoch, so an unterminated last
 * line is ignored.
 */
export function ultralyticsResultsReader(file: string): CsvPointReader {
  let names: string[] | undefined;
  let epochColumn = -1;
  return (row) => {
    if (names === undefined) {
      names = row.cells.map((cell) => cell.trim());
      epochColumn = names.indexOf("epoch");
      if (epochColumn >= 0) return ok([]);
      const problem = `no "epoch" column in the header (${names.slice(0, 4).join(",")}…)`;
      return fail(
        runFileError({ file, line: row.line, problem, hint: "pass the results.csv of an Ultralytics run" }),
      );
    }
    const oneBased = parsePythonFloat(row.cells[epochColumn] ?? "");
    if (oneBased === undefined || !Number.isInteger(oneBased)) return ok([]);
    const points: MetricPoint[] = [];
    names.forEach((name, column) => {
      const value = parsePythonFloat(row.cells[column] ?? "");
      if (column !== epochColumn && name !== "" && value !== undefined)
        points.push({ name, step: null, epoch: oneBased - 1, value });
    });
    return ok(points);
  };
}

/** A whole `results.csv` text (see `ultralyticsResultsReader`). */
export function parseUltralyticsResultsCsv(text: string, file: string): Result<MetricPoint[], RunFileError> {
  return collectCsvPoints(text, ultralyticsResultsReader(file));
}

/** Ultralytics `args.yaml` (`vars(self.args)`, safe_dump, keys in cfg order) → a plain record of the train args. */
export function parseUltralyticsArgs(
  text: string,
  file: string,
): Result<Record<string, unknown>, RunFileError> {
  return parseYamlMapping(text, file);
}

/** One results.csv row: the 0-based epoch the checkpoints use, and every column's value. */
export type ResultsRow = { readonly epoch: number; readonly values: Readonly<Record<string, number>> };

/**
 * results.csv points (file order, as `ultralyticsResultsReader` gives them) back into rows: a row ends where the
 * epoch changes or a column repeats.
 */
export function resultsRowsOf(points: readonly MetricPoint[]): ResultsRow[] {
  const rows: { epoch: number; values: Record<string, number> }[] = [];
  for (const point of points) {
    if (point.epoch === null) continue;
    const last = rows.at(-1);
    if (last === undefined || last.epoch !== point.epoch || Object.hasOwn(last.values, point.name))
      rows.push({ epoch: point.epoch, values: { [point.name]: point.value } });
    else last.values[point.name] = point.value;
  }
  return rows;
}
