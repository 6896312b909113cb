import { describe, expect, test } from "bun:test";
import {
  type ConventionalFacts,
  conventionalFacts,
} from "../../../src/core/metadata/extract-conventional.ts";
import type { ReportFacts } from "../../../src/core/metadata/report-facts.ts";

const tensor = (value: number) => ({ __tensor__: "float32", shape: [], value });
const plain = (other_values: Record<string, unknown>): ReportFacts => ({
  framework: "plain-torch",
  other_values,
});

describe("conventionalFacts: a plain torch.save dict's keys, each read as a fact under its own name", () => {
  const cases: [string, ReportFacts, ConventionalFacts][] = [
    [
      "the PyTorch ImageNet example (arch, best_acc1, an older best_prec1) plus a 0-d tensor loss and an iteration",
      plain({
        epoch: 5,
        arch: "tiny_cnn",
        best_acc1: 71.25,
        best_prec1: 70.5,
        loss: tensor(1.25),
        iteration: 900,
      }),
      {
        architecture: { value: "tiny_cnn", source: "checkpoint:arch" },
        step: { value: 900, source: "checkpoint:iteration" },
        metrics: [
          ["best_acc1", { value: 71.25, source: "checkpoint:best_acc1" }],
          ["best_prec1", { value: 70.5, source: "checkpoint:best_prec1" }],
          ["loss", { value: 1.25, source: "checkpoint:loss" }],
        ],
        monitor: { kind: "conventional", key: "best_acc1", higherIsBetter: true },
      },
    ],
    [
      "a validation loss ranks before an accuracy; lr is kept, other numbers are not metrics",
      plain({ step: 10, acc: 0.9, val_loss: 0.3, lr: 0.01, seed: 42, num_classes: 10 }),
      {
        architecture: null,
        step: { value: 10, source: "checkpoint:step" },
        metrics: [
          ["acc", { value: 0.9, source: "checkpoint:acc" }],
          ["val_loss", { value: 0.3, source: "checkpoint:val_loss" }],
          ["lr", { value: 0.01, source: "checkpoint:lr" }],
        ],
        monitor: { kind: "conventional", key: "val_loss", higherIsBetter: false },
      },
    ],
    [
      "nothing conventional: no metric, no ranking key",
      plain({ dtype: "bfloat16", note: 3 }),
      { architecture: null, step: null, metrics: [], monitor: { kind: "none" } },
    ],
    [
      "other frameworks have their own rules",
      { framework: "timm", other_values: { best_acc1: 71.25 } },
      { architecture: null, step: null, metrics: [], monitor: { kind: "none" } },
    ],
  ];
  for (const [name, facts, expected] of cases) {
    test(name, () => expect(conventionalFacts(facts)).toEqual(expected));
  }
});
