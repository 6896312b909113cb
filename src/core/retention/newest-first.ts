import type { CatalogEntry } from "../catalog/catalog-entry.ts";
import { isLastFile } from "../metrics/framework-best-file.ts";

type Position = (entry: CatalogEntry) => number | null;

/** Each entry's sort keys by its index, computed once rather than in every comparison (no object per entry). */
type DateKeys = {
  readonly entries: readonly CatalogEntry[];
  readonly first: Float64Array;
  readonly second: Float64Array;
  /** 1 for the framework's rolling last file. */
  readonly last: Uint8Array;
};

function newerFirst(keys: DateKeys): (a: number, b: number) => number {
  const { entries, first, second, last } = keys;
  return (a, b) => {
    const firstA = first[a] as number;
    const firstB = first[b] as number;
    if (firstA !== firstB) return firstA > firstB ? -1 : 1;
    const secondA = second[a] as number;
    const secondB = second[b] as number;
    if (secondA !== secondB) return secondA > secondB ? -1 : 1;
    const x = entries[a] as CatalogEntry;
    const y = entries[b] as CatalogEntry;
    return (
      (last[b] as number) - (last[a] as number) ||
      y.mtime_ms - x.mtime_ms ||
      (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)
    );
  };
}

/**
 * The indices of `complete`, newest first by the run's own clock: its steps when every checkpoint records one,
 * else its epochs when every one does (Ultralytics' `last.pt` has an epoch but no step), else file times. At the
 * same point the framework's rolling last file is the resume point, then the newer file, then the path.
 */
export function newestFirst(entries: readonly CatalogEntry[], complete: readonly number[]): number[] {
  const step: Position = (entry) => entry.global_step;
  const epoch: Position = (entry) => entry.epoch;
  const usable = (position: Position) =>
    complete.every((at) => position(entries[at] as CatalogEntry) !== null);
  const none: Position = () => null;
  const [first, second] = usable(step) ? [step, epoch] : usable(epoch) ? [epoch, step] : [none, none];
  const keys: DateKeys = {
    entries,
    first: new Float64Array(entries.length),
    second: new Float64Array(entries.length),
    last: new Uint8Array(entries.length),
  };
  for (const at of complete) {
    const entry = entries[at] as CatalogEntry;
    keys.first[at] = first(entry) ?? Number.NEGATIVE_INFINITY;
    keys.second[at] = second(entry) ?? Number.NEGATIVE_INFINITY;
    keys.last[at] = isLastFile(entry.path) ? 1 : 0;
  }
  return complete.slice().sort(newerFirst(keys));
}
