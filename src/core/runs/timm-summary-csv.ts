import { ok, type Result } from "../result.ts";
import { type CsvPointReader, collectCsvPoints } from "./csv-point-reader.ts";
import { parseYamlMapping } from "./hydra-config.ts";
import { type MetricPoint, parsePythonFloat, type RunFileError } from "./metric-series.ts";

/**
 * timm `summary.csv` rows → one point per column per epoch (`epoch` is the finished epoch, as in the checkpoint;
 * `step` is null). Every process start writes a header again, so any row whose first cell is `epoch` re-reads the
 * column names (a resumed run may even change them); eval columns are absent without an eval set. Appended while
 * training, so an unterminated last line is ignored.
 */
export function timmSummaryReader(): CsvPointReader {
  let names: string[] = [];
  return (row) => {
    if (row.cells[0]?.trim() === "epoch") {
      names = row.cells.map((cell) => cell.trim());
      return ok([]);
    }
    const epoch = parsePythonFloat(row.cells[names.indexOf("epoch")] ?? "");
    if (epoch === undefined || !Number.isInteger(epoch)) return ok([]);
    const points: MetricPoint[] = [];
    names.forEach((name, column) => {
      const value = parsePythonFloat(row.cells[column] ?? "");
      if (name !== "epoch" && value !== undefined) points.push({ name, step: null, epoch, value });
    });
    return ok(points);
  };
}

/** A whole `summary.csv` text (see `timmSummaryReader`). */
export function parseTimmSummaryCsv(text: string, _file: string): Result<MetricPoint[], RunFileError> {
  return collectCsvPoints(text, timmSummaryReader());
}

/** timm `args.yaml` (`yaml.safe_dump(vars(args))`, keys sorted) → a plain record of the training arguments. */
export function parseTimmArgs(text: string, file: string): Result<Record<string, unknown>, RunFileError> {
  return parseYamlMapping(text, file);
}
