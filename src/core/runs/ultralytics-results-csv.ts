import { fail, ok, type Result } from "../result.ts";
import { splitCsvRows } from "./csv-rows.ts";
import { parseYamlMapping } from "./hydra-config.ts";
import { type MetricPoint, parsePythonFloat, type RunFileError, runFileError } from "./metric-series.ts";

/**
 * Ultralytics `results.csv` → one point per column per epoch. Handles both dialects: 8.0–8.2 pad every name and
 * value to width 23 (stripped here) and have no `time` column; later versions add `time` (seconds since the start
 * of training, kept as an ordinary point named `time`). The CSV's `epoch` is **1-based** (`self.epoch + 1`); points
 * carry the 0-based epoch the checkpoint's `epoch` field uses. Appended per epoch, so an unterminated last line is
 * ignored.
 */
export function parseUltralyticsResultsCsv(text: string, file: string): Result<MetricPoint[], RunFileError> {
  const [header, ...rows] = splitCsvRows(text).rows;
  if (header === undefined) return ok([]);
  const names = header.cells.map((cell) => cell.trim());
  const epochColumn = names.indexOf("epoch");
  if (epochColumn < 0) {
    const problem = `no "epoch" column in the header (${names.slice(0, 4).join(",")}…)`;
    return fail(
      runFileError({ file, line: header.line, problem, hint: "pass the results.csv of an Ultralytics run" }),
    );
  }
  const points: MetricPoint[] = [];
  for (const row of rows) {
    const oneBased = parsePythonFloat(row.cells[epochColumn] ?? "");
    if (oneBased === undefined || !Number.isInteger(oneBased)) continue;
    names.forEach((name, column) => {
      const value = parsePythonFloat(row.cells[column] ?? "");
      if (column !== epochColumn && name !== "" && value !== undefined) {
        points.push({ name, step: null, epoch: oneBased - 1, value });
      }
    });
  }
  return ok(points);
}

/** Ultralytics `args.yaml` (`vars(self.args)`, safe_dump, keys in cfg order) → a plain record of the train args. */
export function parseUltralyticsArgs(
  text: string,
  file: string,
): Result<Record<string, unknown>, RunFileError> {
  return parseYamlMapping(text, file);
}
