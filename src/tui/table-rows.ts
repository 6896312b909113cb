import { assertNever } from "../core/assert-never.ts";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { matchesFilter } from "../core/catalog/entry-query.ts";
import { bestOf } from "../core/metrics/best-checkpoint.ts";
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
  readonly indexByKey: ReadonlyMap<string, number>;
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

/** Groups entries by run directory (their own directory when the catalog knows no run). Once per data change. */
export function groupRuns(entries: readonly CatalogEntry[]): RunGroup[] {
  const byDir = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    const dir = entry.run_dir ?? parentOf(entry.path);
    const list = byDir.get(dir);
    if (list === undefined) byDir.set(dir, [entry]);
    else list.push(entry);
  }
  return [...byDir].map(([dir, list]) => ({
    key: `run:${dir}`,
    dir,
    label: list.find((entry) => entry.exp_name !== null)?.exp_name ?? dir.slice(dir.lastIndexOf("/") + 1),
    entries: list,
    bestPath: bestPathOf(list),
  }));
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

/** Missing values last in both directions; ties by path so the order never depends on the catalog's. */
export function entryComparator(column: SortColumn, descending: boolean) {
  const sign = descending ? -1 : 1;
  return (a: CatalogEntry, b: CatalogEntry): number => {
    const x = sortValue(a, column);
    const y = sortValue(b, column);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  };
}

export type BuildRowsOptions = {
  readonly filter: string;
  readonly sort: { readonly column: SortColumn; readonly descending: boolean };
  readonly collapsed: ReadonlySet<string>;
};

/** The flat list the windowed table shows: a header row per run, then its (filtered, sorted) checkpoints. */
export function buildTableRows(groups: readonly RunGroup[], options: BuildRowsOptions): TableRows {
  const { regex, note } = compileFilter(options.filter);
  const compare = entryComparator(options.sort.column, options.sort.descending);
  const visible = groups.flatMap((group) => {
    const kept =
      regex === null
        ? [...group.entries]
        : group.entries.filter((entry) => matchesFilter(entry, { kind: "regex", regex }));
    return kept.length === 0 ? [] : [{ group, kept: kept.sort(compare) }];
  });
  const byDir = (a: RunGroup, b: RunGroup) =>
    (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0) * (options.sort.descending ? -1 : 1);
  visible.sort((a, b) =>
    options.sort.column === "checkpoint"
      ? byDir(a.group, b.group)
      : compare(a.kept[0] as CatalogEntry, b.kept[0] as CatalogEntry),
  );
  const rows: DisplayRow[] = [];
  let shownEntries = 0;
  for (const { group, kept } of visible) {
    const collapsed = options.collapsed.has(group.key);
    rows.push({ kind: "run", key: group.key, group, shown: kept.length, collapsed });
    shownEntries += kept.length;
    if (collapsed) continue;
    for (const entry of kept) {
      rows.push({
        kind: "entry",
        key: entry.path,
        entry,
        best: entry.path === group.bestPath,
        run: group.key,
        runDir: group.dir,
      });
    }
  }
  const indexByKey = new Map(rows.map((row, index) => [row.key, index]));
  return { rows, indexByKey, shownEntries, shownRuns: visible.length, filterNote: note };
}
