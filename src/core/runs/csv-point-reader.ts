import { ok, type Result } from "../result.ts";
import { type CsvRow, splitCsvRows } from "./csv-rows.ts";
import type { MetricPoint, RunFileError } from "./metric-series.ts";

/**
 * One run-file CSV dialect, a row at a time (the header first): what `CsvRowStream` feeds while a file is read in
 * pieces. An error (a header without the columns the dialect needs) ends the file.
 */
export type CsvPointReader = (row: CsvRow) => Result<MetricPoint[], RunFileError>;

/** Every point of a whole CSV text, through a dialect's reader. */
export function collectCsvPoints(text: string, reader: CsvPointReader): Result<MetricPoint[], RunFileError> {
  const points: MetricPoint[] = [];
  for (const row of splitCsvRows(text).rows) {
    const read = reader(row);
    if (!read.success) return read;
    for (const point of read.data) points.push(point);
  }
  return ok(points);
}
