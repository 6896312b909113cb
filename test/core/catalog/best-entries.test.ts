import { describe, expect, test } from "bun:test";
import {
  type BestRule,
  bestEntries,
  bestRuleOf,
  entryMetricValue,
} from "../../../src/core/catalog/best-entries.ts";
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

// Each framework's own rule: the primary metric its checkpoints record, in the direction they record.
const entriesOf = (framework: string, rows: readonly [string, Partial<CatalogEntry>][]) =>
  rows.map(([file, overrides]) => sampleEntry(framework, file, { framework, ...overrides }));
const primary = (name: string, value: number | null, higher_is_better: boolean) => ({
  primary_metric: { name, value, higher_is_better },
  metrics: { precision: null, recall: null, hmean: null, validation_loss: null },
});

describe("bestEntries: the framework's own rule", () => {
  const cases: [string, CatalogEntry[], { file: string; metric: string; higherIsBetter: boolean }][] = [
    [
      "Ultralytics: best.pt by fitness although last.pt has the higher mAP50",
      entriesOf("ultralytics", [
        ["best.pt", { epoch: 19, global_step: null, ...primary("fitness", 0.04599, true) }],
        ["last.pt", { epoch: 29, global_step: null, ...primary("fitness", 0.04478, true) }],
        ["epoch25.pt", { epoch: 25, global_step: 44, ...primary("fitness", 0.0233, true) }],
      ]),
      { file: "best.pt", metric: "fitness", higherIsBetter: true },
    ],
    [
      "Ultralytics: best.pt wins a tie with the epoch<N>.pt of the same epoch, which has a step",
      entriesOf("ultralytics", [
        ["epoch19.pt", { epoch: 19, global_step: 40, ...primary("fitness", 0.04599, true) }],
        ["best.pt", { epoch: 19, global_step: null, ...primary("fitness", 0.04599, true) }],
      ]),
      { file: "best.pt", metric: "fitness", higherIsBetter: true },
    ],
    [
      "timm: model_best.pth.tar among the equal-metric copies",
      entriesOf("timm", [
        ["checkpoint-2.pth.tar", { epoch: 2, global_step: null, ...primary("eval_top1", 83.3, true) }],
        ["last.pth.tar", { epoch: 2, global_step: null, ...primary("eval_top1", 83.3, true) }],
        ["model_best.pth.tar", { epoch: 2, global_step: null, ...primary("eval_top1", 83.3, true) }],
      ]),
      { file: "model_best.pth.tar", metric: "accuracy", higherIsBetter: true },
    ],
    [
      "timm --eval-metric loss: decreasing",
      entriesOf("timm", [
        ["checkpoint-1.pth.tar", { epoch: 1, ...primary("eval_loss", 0.9, false) }],
        ["checkpoint-2.pth.tar", { epoch: 2, ...primary("eval_loss", 0.6, false) }],
      ]),
      { file: "checkpoint-2.pth.tar", metric: "validation_loss", higherIsBetter: false },
    ],
    [
      "HF greater_is_better: false on a metric whose definition is higher-is-better",
      entriesOf("hf-trainer", [
        ["checkpoint-4", { global_step: 4, ...primary("eval_accuracy", 0.7, false) }],
        ["checkpoint-8", { global_step: 8, ...primary("eval_accuracy", 0.9, false) }],
      ]),
      { file: "checkpoint-4", metric: "accuracy", higherIsBetter: false },
    ],
    [
      "HF: only the best_model_checkpoint has a value when the metric was never logged",
      entriesOf("hf-trainer", [
        ["checkpoint-4", { global_step: 4, ...primary("eval_loss", 0.0298, false) }],
        ["checkpoint-8", { global_step: 8, ...primary("eval_loss", null, false) }],
      ]),
      { file: "checkpoint-4", metric: "validation_loss", higherIsBetter: false },
    ],
    [
      "Lightning: the epoch file, not last.ckpt, at the same step and value",
      entriesOf("lightning", [
        ["last.ckpt", { epoch: 3, global_step: 32, ...primary("val/hmean", 0.88, true) }],
        ["epoch=3-step=32.ckpt", { epoch: 3, global_step: 32, ...primary("val/hmean", 0.88, true) }],
      ]),
      { file: "epoch=3-step=32.ckpt", metric: "hmean", higherIsBetter: true },
    ],
  ];
  for (const [name, entries, expected] of cases) {
    test(name, () => {
      const picks = bestEntries(entries, { overall: true });
      expect(
        picks.map((pick) => ({
          file: pick.entry.path.slice(pick.entry.path.lastIndexOf("/") + 1),
          metric: pick.metric,
          higherIsBetter: pick.higherIsBetter,
        })),
      ).toEqual([expected]);
    });
  }
});

describe("bestRuleOf", () => {
  // Two rank by fitness with values; three older sidecars named mAP50 with none.
  const run = entriesOf("ultralytics", [
    ["best.pt", primary("fitness", 0.04599, true)],
    ["last.pt", primary("fitness", 0.04478, true)],
    ["a.pt", primary("mAP50", null, true)],
    ["b.pt", primary("mAP50", null, true)],
    ["c.pt", primary("mAP50", null, true)],
  ]);
  const cases: [string, string | undefined, BestRule | null][] = [
    ["the primary most entries have a value for", undefined, { metric: "fitness", higherIsBetter: true }],
    [
      "a named metric, in the direction its entries record",
      "metrics/mAP50(B)",
      { metric: "mAP50", higherIsBetter: true },
    ],
    [
      "a named metric no entry ranks by: its definition",
      "val_loss",
      { metric: "validation_loss", higherIsBetter: false },
    ],
  ];
  test.each(cases)("%s", (_, metric, expected) => expect(bestRuleOf(run, metric)).toEqual(expected));
  test("no entries → no rule", () => expect(bestRuleOf([])).toEqual(null));
});
