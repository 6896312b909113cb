import { describeCheckpointKinds } from "../core/discovery/checkpoint-names.ts";
import { escapeControl } from "../core/text/escape-control.ts";

export type EmptyResultOptions = {
  readonly command: string;
  readonly catalogPath: string;
  /** Primary entries under the roots before any filter; null when the catalog does not exist yet. */
  readonly total: number | null;
  /** Absolute roots, and the same as the user typed them. */
  readonly roots: readonly string[];
  readonly typedRoots: readonly string[];
  /** The flags that narrowed the answer, as typed (`--filter dbnet`, `--since 7d`). */
  readonly narrowing: readonly string[];
  /** Entries that passed the filters (`best`: before ranking). */
  readonly matched: number;
  /** The metric `best` ranked by, or null for each run's primary metric. */
  readonly metric?: string | null;
  readonly noScan: boolean;
};

/**
 * Why a query printed nothing, in one line for stderr: no catalog yet, nothing under DIR (and what ckpt would
 * have found), everything filtered out, or (`best`) no entry with a value of the metric.
 */
export function emptyResultHint(options: EmptyResultOptions): string {
  const { command, total } = options;
  const where = options.typedRoots.length === 0 ? "in the catalog" : `under ${options.typedRoots.join(", ")}`;
  if (total === null) {
    return `ckpt: the catalog ${options.catalogPath} is empty; run 'ckpt scan DIR' or 'ckpt ${command} DIR'\n`;
  }
  if (options.matched > 0) {
    const metric =
      options.metric === undefined || options.metric === null ? "its run's primary metric" : options.metric;
    return `ckpt: none of the ${options.matched} checkpoints ${where} has a value of ${metric}; 'ckpt ${command} --metric help' lists the metrics\n`;
  }
  if (total > 0) {
    return `ckpt: none of the ${total} checkpoints ${where} matches ${options.narrowing.join(" ")}\n`;
  }
  if (options.roots.length === 0) {
    return `ckpt: the catalog ${options.catalogPath} has no checkpoints; run 'ckpt scan DIR' to add some\n`;
  }
  const stale = options.noScan ? "; --no-scan answered from the catalog as it was" : "";
  return `ckpt: no checkpoints ${escapeControl(where)} (ckpt finds ${describeCheckpointKinds()})${stale}\n`;
}
