import { LS_COLUMN_IDS, type LsColumn } from "./ls-columns.ts";

/** The metric an entry was ranked by (`best`): a table column marked ↑/↓, and `ranked_by` in JSON. */
export type RankedBy = { readonly name: string; readonly higher_is_better: boolean };

/** The one ranking every entry shares, or null when they differ (or there are none). */
export function sharedRanking<Entry>(
  entries: readonly Entry[],
  rankedBy: (entry: Entry) => RankedBy | null,
): RankedBy | null {
  const rankings = entries.map(rankedBy);
  const [first] = rankings;
  const same = rankings.every(
    (ranking) => ranking?.name === first?.name && ranking?.higher_is_better === first?.higher_is_better,
  );
  return same && first !== undefined ? first : null;
}

/**
 * `columns` with the ranked metric's column (`ranking`) marked `↑`/`↓` and moved to the first metric slot (after
 * `step` when there is none); the primary `metric` column goes, since the ranked one replaces it.
 */
export function withRankedColumn(
  columns: readonly LsColumn[],
  options: { readonly ranked: RankedBy; readonly ranking: LsColumn },
): LsColumn[] {
  const { ranked, ranking } = options;
  const marked = { ...ranking, header: `${ranking.header} ${ranked.higher_is_better ? "↑" : "↓"}` };
  const rest = columns.filter((column) => column.id !== ranked.name && column.id !== "metric");
  const firstMetric = rest.findIndex((column) => !LS_COLUMN_IDS.includes(column.id));
  const index = firstMetric === -1 ? rest.findIndex((column) => column.id === "step") + 1 : firstMetric;
  return [...rest.slice(0, index), marked, ...rest.slice(index)];
}
