import { type LayoutSampleCache, layoutSample, type TableLayout, tableLayout } from "./table-layout.ts";
import type { RunGroup } from "./table-rows.ts";

/**
 * The table's column layouts: one per task among the runs shown (after the filter), each with that task's
 * metrics and fitted to the terminal on its own. Runs of one task share one layout and one header line; runs of
 * several tasks each head their rows with their own columns (`columns` rows).
 */
export type TableLayouts = {
  /** The layout of a run's rows, by the run's key (the first task's for a run not shown). */
  readonly ofRun: (runKey: string) => TableLayout;
  /** The first shown run's layout: the header line's when one task is shown. */
  readonly first: TableLayout;
};

export function tableLayouts(
  shown: readonly RunGroup[],
  options: { readonly width: number; readonly ascii: boolean; readonly cache?: LayoutSampleCache },
): TableLayouts {
  const byTask = new Map<string, RunGroup[]>();
  for (const group of shown) {
    const list = byTask.get(group.task);
    if (list === undefined) byTask.set(group.task, [group]);
    else list.push(group);
  }
  const fit = (groups: readonly RunGroup[]) =>
    tableLayout(layoutSample(groups, options.cache), { width: options.width, ascii: options.ascii });
  const layouts = new Map([...byTask].map(([task, groups]) => [task, fit(groups)]));
  const taskOf = new Map(shown.map((group) => [group.key, group.task]));
  const first = layouts.get(shown[0]?.task ?? "") ?? fit([]);
  return { ofRun: (runKey) => layouts.get(taskOf.get(runKey) ?? "") ?? first, first };
}
