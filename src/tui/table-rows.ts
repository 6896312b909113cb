import { assertNever } from "../core/assert-never.ts";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { matchesFilter } from "../core/catalog/entry-query.ts";
import { bestOf } from "../core/metrics/best-checkpoint.ts";
import { rowFinder } from "./row-finder.ts";
import type { SortColumn } from "./ui-state.ts";

/** The checkpoints of one run directory, with its best by the primary metric (direction respected). */
export type RunGroup = {
  readonly key: string;
  readonly dir: string;
  readonly label: string;
  readonly entries: readonly CatalogEntry[];
  readonly bestPath: string | null;
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
    };

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

function bestPathOf(entries: readonly CatalogEntry[]): string | null {
  const direction = entries.find((entry) => entry.primary_metric !== null)?.primary_metric?.higher_is_better;
  if (direction === undefined) return null;
  const best = bestOf(entries, {
    metric: (entry) => entry.primary_metric?.value,
    higherIsBetter: direction,
    step: (entry) => entry.global_step,
    epoch: (entry) => entry.epoch,
    path: (entry) => entry.path,
  });
  return best?.path ?? null;
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
    const dir = entry.run_dir ?? parentOf(entry.path);
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

function newGroup(dir: string, list: readonly CatalogEntry[]): RunGroup {
  return {
    key: `run:${dir}`,
    dir,
    label: list.find((entry) => entry.exp_name !== null)?.exp_name ?? dir.slice(dir.lastIndexOf("/") + 1),
    entries: list,
    bestPath: bestPathOf(list),
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

function sortValue(entry: CatalogEntry, column: SortColumn): number | string | null {
  switch (column) {
    case "checkpoint":
      return entry.path;
    case "metric": {
      const primary = entry.primary_metric;
      if (primary?.value === null || primary?.value === undefined || !Number.isFinite(primary.value))
        return null;
      // Best first when descending, whichever way the metric points.
      return primary.higher_is_better ? primary.value : -primary.value;
    }
    case "epoch":
      return entry.epoch;
    case "step":
      return entry.global_step;
    case "size":
      return entry.size;
    case "age":
      return -entry.mtime_ms;
    default:
      return assertNever(column);
  }
}

type SortValue = number | string | null;

/** Missing values last in both directions; ties by path so the order never depends on the catalog's. */
function compareValues(x: SortValue, y: SortValue, paths: { a: string; b: string }, sign: number): number {
  if (x !== y) {
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  }
  return paths.a < paths.b ? -1 : paths.a > paths.b ? 1 : 0;
}

export function entryComparator(column: SortColumn, descending: boolean) {
  const sign = descending ? -1 : 1;
  return (a: CatalogEntry, b: CatalogEntry): number =>
    compareValues(sortValue(a, column), sortValue(b, column), { a: a.path, b: b.path }, sign);
}

type EntryDisplayRow = Extract<DisplayRow, { kind: "entry" }>;

/** Sorts with each row's key computed once, not twice per comparison (`s` on 100k rows). */
function sortRows(rows: readonly EntryDisplayRow[], sort: BuildRowsOptions["sort"]): EntryDisplayRow[] {
  const values = rows.map((row) => sortValue(row.entry, sort.column));
  const sign = sort.descending ? -1 : 1;
  const order = rows.map((_, index) => index);
  const paths = { a: "", b: "" };
  order.sort((i, j) => {
    paths.a = (rows[i] as EntryDisplayRow).key;
    paths.b = (rows[j] as EntryDisplayRow).key;
    return compareValues(values[i] ?? null, values[j] ?? null, paths, sign);
  });
  return order.map((index) => rows[index] as EntryDisplayRow);
}

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
  readonly sort: { readonly column: SortColumn; readonly descending: boolean };
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
  const rows = sortRows(kept, options.sort);
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
    readonly sorts: readonly BuildRowsOptions["sort"][];
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

function firstEntry(rows: readonly EntryDisplayRow[]): CatalogEntry {
  return (rows[0] as EntryDisplayRow).entry;
}

/** The flat list the windowed table shows: a header row per run, then its (filtered, sorted) checkpoints. */
export function buildTableRows(groups: readonly RunGroup[], options: BuildRowsOptions): TableRows {
  const { regex, note } = compileFilter(options.filter);
  const compare = entryComparator(options.sort.column, options.sort.descending);
  const visible = groups.flatMap((group) => {
    const kept = groupRows(group, { ...options, regex });
    return kept.length === 0 ? [] : [{ group, kept }];
  });
  const byDir = (a: RunGroup, b: RunGroup) =>
    (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0) * (options.sort.descending ? -1 : 1);
  visible.sort((a, b) =>
    options.sort.column === "checkpoint"
      ? byDir(a.group, b.group)
      : compare(firstEntry(a.kept), firstEntry(b.kept)),
  );
  const rows: DisplayRow[] = [];
  const runStarts = new Map<string, number>();
  let shownEntries = 0;
  for (const { group, kept } of visible) {
    const collapsed = options.collapsed.has(group.key);
    runStarts.set(group.key, rows.length);
    rows.push({ kind: "run", key: group.key, group, shown: kept.length, collapsed });
    shownEntries += kept.length;
    if (collapsed) continue;
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
