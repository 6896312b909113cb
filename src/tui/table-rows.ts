import { bestEntries } from "../core/catalog/best-entries.ts";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { matchesFilter } from "../core/catalog/entry-query.ts";
import { rowFinder } from "./row-finder.ts";
import {
  compareMetricRanks,
  fieldComparator,
  type MetricRank,
  metricOrder,
  metricRanker,
  type SortOrder,
  sortEntries,
} from "./row-order.ts";

/** The checkpoints of one run directory, with its best as `ckpt best` picks it (its metric, that direction). */
export type RunGroup = {
  readonly key: string;
  readonly dir: string;
  readonly label: string;
  readonly entries: readonly CatalogEntry[];
  /** Bytes of the run's checkpoints (their catalogued sizes: a directory checkpoint counts all its files). */
  readonly bytes: number;
  readonly best: { readonly entry: CatalogEntry; readonly metric: string } | null;
  readonly bestPath: string | null;
  /** The task its columns follow: its checkpoints' task, or "" when they differ or none is known. */
  readonly task: string;
};

export type DisplayRow =
  | {
      readonly kind: "run";
      readonly key: string;
      readonly group: RunGroup;
      readonly shown: number;
      readonly collapsed: boolean;
    }
  | {
      readonly kind: "entry";
      readonly key: string;
      readonly entry: CatalogEntry;
      readonly best: boolean;
      readonly run: string;
      readonly runDir: string;
      /** The run header's name, which the row need not repeat. */
      readonly runLabel: string;
    }
  /** A run's own column header, under its header row when the runs shown are of several tasks. */
  | { readonly kind: "columns"; readonly key: string; readonly group: RunGroup };

export type TableRows = {
  readonly rows: readonly DisplayRow[];
  /** Where the row with `key` is: looked for near `near` first (rows move little between two tables). */
  readonly indexOf: (key: string, near?: number) => number | undefined;
  readonly shownEntries: number;
  readonly shownRuns: number;
  /** Set when the filter is not a valid regex and is matched literally instead. */
  readonly filterNote: string | null;
};

function parentOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf("/"), 0)) || "/";
}

function sameEntries(a: readonly CatalogEntry[], b: readonly CatalogEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/**
 * Groups entries by run directory (their own directory when the catalog knows no run). Once per data change; a
 * run whose entries are the same objects as in `previous` keeps its group object, so per-run work is cached.
 */
export function groupRuns(entries: readonly CatalogEntry[], previous: readonly RunGroup[] = []): RunGroup[] {
  const byDir = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    // A shared catalog's runs are told apart, and named, by host too: `gpu-3:/data/runs/detr`.
    const own = entry.run_dir ?? parentOf(entry.path);
    const dir = entry.host === undefined ? own : `${entry.host}:${own}`;
    const list = byDir.get(dir);
    if (list === undefined) byDir.set(dir, [entry]);
    else list.push(entry);
  }
  const before = new Map(previous.map((group) => [group.dir, group]));
  return [...byDir].map(([dir, list]) => {
    const old = before.get(dir);
    return old !== undefined && sameEntries(old.entries, list) ? old : newGroup(dir, list);
  });
}

/** The task a run's columns follow: its checkpoints' task, or "" when they differ or none is known. */
function sharedTask(list: readonly CatalogEntry[]): string {
  const task = list[0]?.task ?? null;
  return task !== null && list.every((entry) => entry.task === task) ? task : "";
}

function newGroup(dir: string, list: readonly CatalogEntry[]): RunGroup {
  const [best] = bestEntries(list, { overall: true });
  return {
    key: `run:${dir}`,
    dir,
    label: list.find((entry) => entry.exp_name !== null)?.exp_name ?? dir.slice(dir.lastIndexOf("/") + 1),
    entries: list,
    bytes: list.reduce((total, entry) => total + entry.size, 0),
    best: best ?? null,
    bestPath: best?.entry.path ?? null,
    task: sharedTask(list),
  };
}

/** A case-insensitive regex from what the user typed; an invalid one is matched literally. */
export function compileFilter(text: string): { readonly regex: RegExp | null; readonly note: string | null } {
  if (text === "") return { regex: null, note: null };
  try {
    return { regex: new RegExp(text, "i"), note: null };
  } catch {
    return {
      regex: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i"),
      note: "not a valid regex: matched literally",
    };
  }
}

type EntryDisplayRow = Extract<DisplayRow, { kind: "entry" }>;

/** A run's checkpoint rows (made once per run), and its filtered, sorted rows by filter and sort. */
type GroupRows = {
  readonly base: readonly EntryDisplayRow[];
  readonly sorted: Map<string, EntryDisplayRow[]>;
};
export type TableRowsCache = WeakMap<RunGroup, GroupRows>;
/** Orders kept per run: the current sort, the two `s`/`S` lead to, and a few recent ones. */
const MAX_ORDERS_PER_RUN = 6;

export type BuildRowsOptions = {
  readonly filter: string;
  readonly sort: SortOrder;
  readonly collapsed: ReadonlySet<string>;
  /** Reused across calls (one per screen), so a data change re-sorts only the runs it touched. */
  readonly cache?: TableRowsCache;
};

function baseRows(group: RunGroup): EntryDisplayRow[] {
  return group.entries.map((entry) => ({
    kind: "entry",
    key: entry.path,
    entry,
    best: entry.path === group.bestPath,
    run: group.key,
    runDir: group.dir,
    runLabel: group.label,
  }));
}

type RowsRequest = Pick<BuildRowsOptions, "filter" | "sort" | "cache"> & { readonly regex: RegExp | null };

function groupRows(group: RunGroup, options: RowsRequest): readonly EntryDisplayRow[] {
  const key = `${options.sort.column} ${options.sort.descending} ${options.filter}`;
  const cached = options.cache?.get(group) ?? { base: baseRows(group), sorted: new Map() };
  const hit = cached.sorted.get(key);
  if (hit !== undefined) return hit;
  const { regex } = options;
  const kept =
    regex === null
      ? cached.base
      : cached.base.filter((row) => matchesFilter(row.entry, { kind: "regex", regex }));
  if (cached.sorted.size >= MAX_ORDERS_PER_RUN) cached.sorted.clear();
  const rows = sortEntries(kept, {
    entry: (row) => row.entry,
    sort: options.sort,
    runEntries: group.entries,
  });
  cached.sorted.set(key, rows);
  options.cache?.set(group, cached);
  return rows;
}

/**
 * Sorts each run for `sorts` ahead of time, until `stop()` says the slice of idle time is used up; true when all
 * are done. Run between frames, so that `s` and `S` on 100k rows only assemble rows already in order.
 */
export function prepareTableRows(
  groups: readonly RunGroup[],
  options: Pick<BuildRowsOptions, "filter"> & {
    readonly sorts: readonly SortOrder[];
    readonly cache: TableRowsCache;
    readonly stop: () => boolean;
  },
): boolean {
  const { regex } = compileFilter(options.filter);
  for (const sort of options.sorts) {
    for (const group of groups) {
      if (options.stop()) return false;
      groupRows(group, { filter: options.filter, sort, cache: options.cache, regex });
    }
  }
  return true;
}

type ShownRun = { readonly group: RunGroup; readonly kept: readonly EntryDisplayRow[] };

const NOTHING_TO_RANK: MetricRank = { metric: null, score: null };

function byDir(a: RunGroup, b: RunGroup): number {
  return a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0;
}

/**
 * Runs in the order of their first shown checkpoint. By metric they are grouped by that checkpoint's metric (the
 * one most runs share first) and ranked within it; a run with no value to rank by goes last.
 */
function orderRuns(runs: ShownRun[], sort: SortOrder): void {
  const first = (run: ShownRun) => (run.kept[0] as EntryDisplayRow).entry;
  const { column, descending } = sort;
  if (column === "checkpoint") {
    runs.sort((a, b) => byDir(a.group, b.group) * (descending ? -1 : 1));
  } else if (column === "metric") {
    const ranks = new Map<ShownRun, MetricRank>();
    for (const run of runs) {
      const rank = metricRanker(run.group.entries)(first(run));
      ranks.set(run, rank.score === null ? NOTHING_TO_RANK : rank);
    }
    const rankOf = (run: ShownRun) => ranks.get(run) ?? NOTHING_TO_RANK;
    const order = metricOrder([...ranks.values()]);
    runs.sort(
      (a, b) => compareMetricRanks(rankOf(a), rankOf(b), { order, descending }) || byDir(a.group, b.group),
    );
  } else {
    const compare = fieldComparator(column, descending);
    runs.sort((a, b) => compare(first(a), first(b)));
  }
}

/** The flat list the windowed table shows: a header row per run, then its (filtered, sorted) checkpoints. */
export function buildTableRows(groups: readonly RunGroup[], options: BuildRowsOptions): TableRows {
  const { regex, note } = compileFilter(options.filter);
  const visible = groups.flatMap((group): ShownRun[] => {
    const kept = groupRows(group, { ...options, regex });
    return kept.length === 0 ? [] : [{ group, kept }];
  });
  orderRuns(visible, options.sort);
  const rows: DisplayRow[] = [];
  const runStarts = new Map<string, number>();
  let shownEntries = 0;
  // Runs of several tasks show different metrics: each run then heads its rows with its own columns.
  const ownColumns = new Set(visible.map(({ group }) => group.task)).size > 1;
  for (const { group, kept } of visible) {
    const collapsed = options.collapsed.has(group.key);
    runStarts.set(group.key, rows.length);
    rows.push({ kind: "run", key: group.key, group, shown: kept.length, collapsed });
    shownEntries += kept.length;
    if (collapsed) continue;
    if (ownColumns) rows.push({ kind: "columns", key: `columns:${group.dir}`, group });
    for (const row of kept) rows.push(row);
  }
  return {
    rows,
    indexOf: rowFinder(rows, runStarts),
    shownEntries,
    shownRuns: visible.length,
    filterNote: note,
  };
}
