import { describe, expect, test } from "bun:test";
import { bestEntries, entryMetricValue } from "../../../src/core/catalog/best-entries.ts";
import type { CatalogEntry } from "../../../src/core/catalog/catalog-entry.ts";
import { sampleEntry } from "../../helpers/tui-catalog.ts";

// A Lightning run that monitored val/hmean; its last.ckpt is outside the callback's top-k and the run has no
// metrics.csv, so val/hmean has no value while the checkpoint's own cleval_metrics give the canonical hmean.
const unloggedMonitor = sampleEntry("cleval", "last.ckpt", {
  epoch: 4,
  global_step: 40,
  primary_metric: { name: "val/hmean", value: null, higher_is_better: true },
  metrics: { precision: 0.988, recall: 0.974, hmean: 0.981, validation_loss: null },
});
const loggedMonitor = sampleEntry("cleval", "epoch03.ckpt", {
  epoch: 3,
  global_step: 32,
  primary_metric: { name: "val/hmean", value: 0.9778, higher_is_better: true },
  metrics: { precision: 0.99, recall: 0.966, hmean: 0.9779, validation_loss: null },
});
const otherPrimary = sampleEntry("cleval", "by-loss.ckpt", {
  primary_metric: { name: "val/loss", value: 0.78, higher_is_better: false },
  metrics: { precision: null, recall: null, hmean: 0.9, validation_loss: 0.78 },
});
const nothing = sampleEntry("cleval", "bare.ckpt", { primary_metric: null, metrics: null });

describe("entryMetricValue", () => {
  const cases: [string, CatalogEntry, string, number | null][] = [
    ["the primary's own value when it has one", loggedMonitor, "hmean", 0.9778],
    ["the metrics block when the monitor was not logged", unloggedMonitor, "hmean", 0.981],
    ["the metrics block for a metric that is not the primary", otherPrimary, "hmean", 0.9],
    ["the primary for its canonical name", otherPrimary, "validation_loss", 0.78],
    ["nothing when neither has it", nothing, "hmean", null],
  ];
  test.each(cases)("%s", (_, entry, canonical, expected) => {
    expect(entryMetricValue(entry, canonical)).toEqual(expected);
  });

  test("best ranks a checkpoint whose monitor was not logged by its canonical value", () => {
    expect(
      bestEntries([loggedMonitor, unloggedMonitor], { overall: true }).map((best) => ({
        path: best.entry.path,
        metric: best.metric,
      })),
    ).toEqual([{ path: unloggedMonitor.path, metric: "hmean" }]);
  });
});
