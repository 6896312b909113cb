import { closeSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { INPUT_CAPS, type InputCap, isOverCap, tooLargeMessage } from "../../core/input-caps.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { type RunFileError, runFileError } from "../../core/runs/metric-series.ts";
import type { MlflowRunEntry } from "../../core/runs/mlflow-run.ts";
import { openRegularFile } from "../checkpoint/file-byte-source.ts";

export type Parse<T> = (path: string) => Result<T, RunFileError>;

function cannotRead(path: string, error: unknown): RunFileError {
  const code = errorCodeOf(error) ?? String(error);
  return runFileError({ file: path, problem: `cannot read (${code})`, hint: "check its permissions" });
}

/**
 * A run file read whole, unless it is over `cap` (parsing YAML or JSON costs many times the file). Opened without
 * blocking and checked to be a regular file: a FIFO named `hparams.yaml` is refused, not waited on.
 */
export function readText(path: string, cap: InputCap): Result<string, RunFileError> {
  const opened = openRegularFile(path);
  if (!opened.success) return fail({ file: path, message: opened.error.message });
  const { fd, stats } = opened.data;
  try {
    if (isOverCap(stats.size, cap)) {
      const message = tooLargeMessage({
        file: `${path}: the file`,
        size: stats.size,
        cap,
        advice: "trim the file; ckpt goes on without it",
      });
      return fail({ file: path, message });
    }
    return ok(readFileSync(fd, "utf8"));
  } catch (error) {
    return fail(cannotRead(path, error));
  } finally {
    closeSync(fd);
  }
}

export function textParser<T>(
  parse: (text: string, file: string) => Result<T, RunFileError>,
  cap: InputCap = INPUT_CAPS.configFile,
): Parse<T> {
  return (path) => {
    const text = readText(path, cap);
    return text.success ? parse(text.data, path) : text;
  };
}

/** `meta.yaml`, `params/**` and `tags/**` of an MLflow run; its `metrics/**` are streamed on their own. */
export function mlflowEntries(runDir: string): MlflowRunEntry[] {
  const entries: MlflowRunEntry[] = [];
  const visit = (dir: string, depth: number) => {
    for (const entry of safeList(dir)) {
      const path = join(dir, entry.name);
      const relativePath = relative(runDir, path);
      if (entry.isDirectory() && depth < 4 && !["artifacts", "metrics"].includes(relativePath))
        visit(path, depth + 1);
      else if (entry.isFile()) {
        const text = readText(path, INPUT_CAPS.configFile);
        if (text.success) entries.push({ relativePath, text: text.data });
      }
    }
  };
  visit(runDir, 0);
  return entries;
}

function safeList(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
