import { aliasKey } from "./alias-key.ts";
import type { CatalogEntry } from "./catalog-entry.ts";
import { displayString } from "./display-string.ts";
import { metricValueOf } from "./metric-value.ts";

export type EntryOutputOptions = {
  /** Epoch milliseconds → ISO 8601 text; the caller owns the clock and time zone. */
  readonly isoTime: (ms: number) => string;
  /** Other paths naming the same file (hard links, symlinks), by primary entry (`aliasKey`). */
  readonly aliases?: ReadonlyMap<string, readonly string[]>;
};

/** One `ls --json` / `best --json` element: the V1 names plus catalog facts and the seed's display string. */
export function entryJson(entry: CatalogEntry, options: EntryOutputOptions) {
  return {
    path: entry.path,
    exp_name: entry.exp_name,
    framework: entry.framework,
    task: entry.task,
    architecture: entry.architecture,
    encoder: entry.encoder,
    status: entry.status,
    epoch: entry.epoch,
    global_step: entry.global_step,
    metrics: entry.metrics,
    primary_metric: entry.primary_metric,
    run_dir: entry.run_dir,
    kind: entry.kind,
    size: entry.size,
    mtime: options.isoTime(entry.mtime_ms),
    created_at: entry.created_at,
    sidecar: entry.sidecar,
    safety: entry.safety,
    aliases: options.aliases?.get(aliasKey(entry)) ?? [],
    problem: entry.problem,
    display: displayString(entry),
    ...(entry.host === undefined ? {} : { host: entry.host }),
  };
}

const CSV_HEADER = [
  "path",
  "exp_name",
  "framework",
  "task",
  "architecture",
  "encoder",
  "status",
  "epoch",
  "global_step",
  "primary_metric",
  "primary_value",
  "higher_is_better",
  "precision",
  "recall",
  "hmean",
  "validation_loss",
  "size",
  "mtime",
  "sidecar",
  "run_dir",
  "display",
] as const;

/** One RFC 4180 field: quoted when it holds a quote, comma or line break; null is empty. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(entry: CatalogEntry, options: EntryOutputOptions): (string | number | boolean | null)[] {
  const primary = entry.primary_metric;
  return [
    entry.path,
    entry.exp_name,
    entry.framework,
    entry.task,
    entry.architecture,
    entry.encoder,
    entry.status,
    entry.epoch,
    entry.global_step,
    primary?.name ?? null,
    primary?.value ?? null,
    primary?.higher_is_better ?? null,
    metricValueOf(entry.metrics, "precision"),
    metricValueOf(entry.metrics, "recall"),
    metricValueOf(entry.metrics, "hmean"),
    metricValueOf(entry.metrics, "validation_loss"),
    entry.size,
    options.isoTime(entry.mtime_ms),
    entry.sidecar,
    entry.run_dir,
    displayString(entry),
  ];
}

/** RFC 4180 CSV with a header row; numbers unformatted, missing values empty. */
export function entriesCsv(entries: readonly CatalogEntry[], options: EntryOutputOptions): string {
  const lines = [
    CSV_HEADER.join(","),
    ...entries.map((entry) => csvRow(entry, options).map(csvField).join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
