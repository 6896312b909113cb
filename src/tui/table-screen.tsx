import { Box, Text, useInput } from "ink";
import { useEffect, useMemo, useRef, useState } from "react";
import type { DiskHealth } from "../core/health/disk-health.ts";
import type { DaemonState } from "./catalog-store.ts";
import { doomedPaths } from "./prune-preview.ts";
import { marksFor } from "./status-glyphs.ts";
import { handleTableKey, splitKeys } from "./table-keys.ts";
import type { LayoutSampleCache } from "./table-layout.ts";
import { tableLayouts } from "./table-layouts.ts";
import { resolveCursor, visibleTop } from "./table-navigation.ts";
import { buildTableRows, groupRuns, type RunGroup, type TableRowsCache } from "./table-rows.ts";
import { TableView } from "./table-view.tsx";
import { useCatalog, useTuiActions, useTuiSettings, useUi, useUiStore } from "./use-catalog.ts";
import { useClock } from "./use-clock.ts";
import { usePreparedRows } from "./use-prepared-rows.ts";

/** How long a new row stays highlighted. */
export const FLASH_MS = 3000;

export type TitleProps = {
  readonly shown: number;
  readonly total: number;
  readonly runs: number;
  readonly filter: { readonly text: string; readonly editing: boolean };
  readonly filterNote: string | null;
  readonly sortLabel: string;
};

export function TableTitle(props: TitleProps) {
  const filter = props.filter.editing
    ? `/${props.filter.text}▏`
    : props.filter.text === ""
      ? ""
      : `/${props.filter.text}/`;
  const counts = props.shown === props.total ? `${props.total}` : `${props.shown} of ${props.total}`;
  return (
    <Text wrap="truncate-end">
      <Text bold>ckpt</Text>
      <Text>{` │ ${counts} checkpoints in ${props.runs} run${props.runs === 1 ? "" : "s"} │ sort ${props.sortLabel}`}</Text>
      {filter === "" ? null : <Text color="cyan">{` │ filter ${filter}`}</Text>}
      {props.filterNote === null ? null : <Text color="yellow">{` (${props.filterNote})`}</Text>}
    </Text>
  );
}

/** Why an unfiltered table is empty and what to do, by who (if anyone) is indexing. */
const EMPTY_CATALOG: Readonly<Record<DaemonState, string>> = {
  attached:
    "No checkpoints in the catalog yet. ckpt watch indexes them as they are written; they appear here.",
  embedded: "No checkpoints in the catalog yet. They appear here as they are indexed; r rescans.",
  "read-only":
    "No checkpoints in the catalog, and nothing is indexing. Run 'ckpt scan DIR' to index a directory, or 'ckpt tui DIR' to index it while you watch.",
};

export function EmptyTable(props: {
  readonly loaded: boolean;
  readonly filter: string;
  readonly daemon: DaemonState;
  readonly height: number;
}) {
  const text = !props.loaded
    ? "Reading the catalog…"
    : props.filter !== ""
      ? `No checkpoint matches /${props.filter}/. Esc clears the filter.`
      : EMPTY_CATALOG[props.daemon];
  return (
    <Box height={props.height + 1} paddingLeft={2} paddingTop={1}>
      <Text dimColor>{text}</Text>
    </Box>
  );
}

/** Re-renders once when the earliest flash ends, so highlighted rows go back to normal without polling. */
function useFlashing(arrivals: ReadonlyMap<string, number>, now: () => number): ReadonlySet<string> {
  const [, setTick] = useState(0);
  const at = now();
  const flashing = new Set<string>();
  let soonest = Number.POSITIVE_INFINITY;
  for (const [path, arrived] of arrivals) {
    if (at - arrived >= FLASH_MS) continue;
    flashing.add(path);
    soonest = Math.min(soonest, arrived + FLASH_MS - at);
  }
  useEffect(() => {
    if (!Number.isFinite(soonest)) return;
    const timer = setTimeout(() => setTick((tick) => tick + 1), soonest);
    return () => clearTimeout(timer);
  }, [soonest]);
  return flashing;
}

/** The checkpoint table: reads the stores, derives rows once per change, and handles the table's keys. */
export function TableScreen(props: {
  readonly width: number;
  readonly height: number;
  readonly health: DiskHealth | null;
}) {
  const entries = useCatalog((snapshot) => snapshot.entries);
  const arrivals = useCatalog((snapshot) => snapshot.arrivals);
  const loaded = useCatalog((snapshot) => snapshot.loaded);
  const daemon = useCatalog((snapshot) => snapshot.status.daemon);
  const cursorState = useUi((state) => state.cursor);
  const topState = useUi((state) => state.top);
  const filter = useUi((state) => state.filter);
  const sort = useUi((state) => state.sort);
  const collapsed = useUi((state) => state.collapsed);
  const marked = useUi((state) => state.marked);
  const prune = useUi((state) => state.prune);
  const doomed = useMemo(() => doomedPaths(prune?.stage === "confirm" ? prune.preview : null), [prune]);
  const active = useUi((state) => state.screen.kind === "table");
  const actions = useTuiActions();
  const settings = useTuiSettings();
  // Runs the data change did not touch keep their group and their sorted rows (the cache is keyed by group).
  const [cache] = useState<TableRowsCache>(() => new WeakMap());
  const [sampleCache] = useState<LayoutSampleCache>(() => new WeakMap());
  const previousGroups = useRef<readonly RunGroup[]>([]);
  const groups = useMemo(() => {
    previousGroups.current = groupRuns(entries, previousGroups.current);
    return previousGroups.current;
  }, [entries]);
  const table = useMemo(
    () => buildTableRows(groups, { filter: filter.text, sort, collapsed, cache }),
    [groups, filter.text, sort, collapsed, cache],
  );
  usePreparedRows({ groups, filter: filter.text, sort, cache });
  // The columns follow the runs shown: a filter down to one task shows that task's metrics.
  const layouts = useMemo(() => {
    const shown = table.rows.flatMap((row) => (row.kind === "run" ? [row.group] : []));
    return tableLayouts(shown, { width: props.width, ascii: settings.ascii, cache: sampleCache });
  }, [table, sampleCache, props.width, settings.ascii]);
  const listHeight = Math.max(1, props.height - 2);
  const cursor = resolveCursor(table, cursorState);
  const top = visibleTop({ top: topState, cursor, height: listHeight, count: table.rows.length });
  const flashing = useFlashing(arrivals, settings.now);
  const now = useClock(settings.now, settings.lowBandwidth ? 60_000 : 10_000);
  const stalled = useMemo(
    () => new Map((props.health?.runs.stalled ?? []).map((stall) => [stall.run, stall])),
    [props.health],
  );
  const uiStore = useUiStore();
  useInput(
    (input, key) => {
      for (const [typed, typedKey] of splitKeys(input, key)) {
        // Each key sees what the previous one changed, even before React re-rendered.
        const ui = uiStore.getSnapshot();
        const at = resolveCursor(table, ui.cursor);
        const from = visibleTop({ top: ui.top, cursor: at, height: listHeight, count: table.rows.length });
        handleTableKey(typed, typedKey, { table, cursor: at, top: from, height: listHeight, ui, actions });
      }
    },
    { isActive: active },
  );
  const marks = marksFor(settings.ascii);
  const sortLabel = `${sort.column} ${sort.descending ? marks.descending : marks.ascending}`;
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <TableTitle
        shown={table.shownEntries}
        total={entries.length}
        runs={table.shownRuns}
        filter={filter}
        filterNote={table.filterNote}
        sortLabel={sortLabel}
      />
      {table.rows.length === 0 ? (
        <EmptyTable loaded={loaded} filter={filter.text} daemon={daemon} height={listHeight} />
      ) : (
        <TableView
          rows={table.rows}
          top={top}
          height={listHeight}
          cursor={cursor}
          layouts={layouts}
          sort={sort}
          marked={marked}
          doomed={doomed}
          flashing={flashing}
          now={now}
          displayPath={settings.displayPath}
          stalled={stalled}
        />
      )}
    </Box>
  );
}
