import { useEffect } from "react";
import { prepareTableRows, type RunGroup, type TableRowsCache } from "./table-rows.ts";
import { nextSort, type UiState } from "./ui-state.ts";

/** Work per slice of idle time, and the pause between slices that lets keys and frames through. */
const SLICE_MS = 8;
const PAUSE_MS = 16;
/** Waits for the frame of the change that started it before it begins. */
const START_MS = 50;

/**
 * Sorts the runs for what `s` and `S` would switch to, in short slices between frames, whenever the data, the
 * filter or the sort changed: re-sorting 100k rows then happens before the key, not between the key and its frame.
 */
export function usePreparedRows(options: {
  readonly groups: readonly RunGroup[];
  readonly filter: string;
  readonly sort: UiState["sort"];
  readonly cache: TableRowsCache;
}): void {
  const { groups, filter, sort, cache } = options;
  useEffect(() => {
    const sorts = [nextSort(sort), { ...sort, descending: !sort.descending }];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const slice = () => {
      const until = performance.now() + SLICE_MS;
      const stop = () => performance.now() > until;
      timer = prepareTableRows(groups, { filter, sorts, cache, stop }) ? null : setTimeout(slice, PAUSE_MS);
    };
    timer = setTimeout(slice, START_MS);
    return () => {
      if (timer !== null) clearTimeout(timer);
    };
  }, [groups, filter, sort, cache]);
}
