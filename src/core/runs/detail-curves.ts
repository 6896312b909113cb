import type { CatalogEntry } from "../catalog/catalog-entry.ts";
import { metricSortKey } from "../catalog/metric-sort-key.ts";
import { taskShownMetrics } from "../catalog/task-shown-metrics.ts";
import { type Curve, curveOf, type StoredPoint } from "./metric-curve.ts";

/** The curves a checkpoint's detail draws: its run's curve of the entry's primary metric, and of its task's loss. */
export type DetailCurves = { readonly primaryCurve: Curve | null; readonly lossCurve: Curve | null };

/** Which of the run's logged names the detail draws; `wanted` is what to read of the run's points. */
export type DetailCurveNames = {
  readonly primary: string | undefined;
  readonly loss: string | undefined;
  readonly wanted: readonly string[];
};

/** The loss a run's curve shows: validation loss, else the task's own losses (validation first), else any. */
function lossName(names: readonly string[], task: string | null): string | undefined {
  const taskLosses = taskShownMetrics(task)
    .filter((name) => name.includes("loss"))
    .sort((a, b) => Number(b.startsWith("val")) - Number(a.startsWith("val")));
  const wanted = ["validation_loss", ...taskLosses, "train_loss"];
  const canonical = wanted
    .map((key) => names.find((name) => metricSortKey(name) === key))
    .find((name) => name !== undefined);
  return canonical ?? names.find((name) => /loss/i.test(name));
}

/** Of the names a run logged, the entry's primary metric's and its task's loss. */
export function detailCurveNames(names: readonly string[], entry: CatalogEntry): DetailCurveNames {
  const primaryKey = entry.primary_metric === null ? null : metricSortKey(entry.primary_metric.name);
  const primary = names.find((name) => metricSortKey(name) === primaryKey);
  const loss = lossName(names, entry.task);
  const wanted = [...new Set([primary, loss].flatMap((name) => (name === undefined ? [] : [name])))];
  return { primary, loss, wanted };
}

/** The two curves from the run's points of `names.wanted`. */
export function detailCurves(names: DetailCurveNames, points: readonly StoredPoint[]): DetailCurves {
  return {
    primaryCurve: names.primary === undefined ? null : curveOf(names.primary, points),
    lossCurve: names.loss === undefined ? null : curveOf(names.loss, points),
  };
}
