import { describe, expect, test } from "bun:test";
import {
  checkpointNameFromPath,
  type FilenameFacts,
  parseCheckpointName,
  parseCheckpointNameWithTemplate,
} from "../../../src/core/runs/filename-metrics.ts";

describe("parseCheckpointName (no template)", () => {
  const cases: [string, FilenameFacts][] = [
    ["epoch=3-step=100.ckpt", { epoch: 3, step: 100, metrics: {} }],
    ["epoch=2-val_loss=0.12.ckpt", { epoch: 2, metrics: { val_loss: 0.12 } }],
    ["epoch=2-validation_loss=-0.5-v1.ckpt", { epoch: 2, metrics: { validation_loss: -0.5 }, version: 1 }],
    ["epoch=2-step=24-val/hmean=0.8467.ckpt", { epoch: 2, step: 24, metrics: { "val/hmean": 0.8467 } }],
    ["epoch=005.ckpt", { epoch: 5, metrics: {} }],
    ["epoch=1-lr=1e-05-loss=nan.ckpt", { epoch: 1, metrics: { lr: 0.00001, loss: Number.NaN } }],
    ["epoch=3-last.ckpt", { epoch: 3, metrics: {}, role: "last" }],
    ["last.ckpt", { metrics: {}, role: "last" }],
    ["last-v1.ckpt", { metrics: {}, role: "last", version: 1 }],
    ["dbnet-epoch02-hmean0.9705.ckpt", { epoch: 2, metrics: { hmean: 0.9705 } }],
    ["resnet50-epoch3.ckpt", { epoch: 3, metrics: {} }],
    ["1-16-0.8027.ckpt", { metrics: {} }],
    ["checkpoint-12.pth.tar", { epoch: 12, metrics: {}, role: "periodic" }],
    ["model_best.pth.tar", { metrics: {}, role: "best" }],
    ["recovery-3-100.pth.tar", { epoch: 3, metrics: {}, role: "recovery" }],
    ["last.pth.tar", { metrics: {}, role: "last" }],
    ["epoch20.pt", { epoch: 20, metrics: {}, role: "periodic" }],
    ["best.pt", { metrics: {}, role: "best" }],
    ["last.pt", { metrics: {}, role: "last" }],
    ["checkpoint-500/", { step: 500, metrics: {}, role: "periodic" }],
    ["checkpoint-500", { step: 500, metrics: {}, role: "periodic" }],
    ["model.safetensors", { metrics: {} }],
  ];
  test.each(cases)("%s", (name, expected) => {
    expect(parseCheckpointName(name)).toEqual(expected);
  });
});

describe("parseCheckpointNameWithTemplate", () => {
  const cases: [string, string, boolean | undefined, FilenameFacts | undefined][] = [
    [
      "1-16-0.8027.ckpt",
      "{epoch}-{step}-{val/hmean:.4f}",
      false,
      { epoch: 1, step: 16, metrics: { "val/hmean": 0.8027 } },
    ],
    [
      "dbnet-epoch02-hmean0.9705.ckpt",
      "dbnet-epoch{epoch:02d}-hmean{val/hmean:.4f}",
      false,
      { epoch: 2, metrics: { "val/hmean": 0.9705 } },
    ],
    [
      "epoch=2-step=24-val/hmean=0.8467.ckpt",
      "{epoch}-{step}-{val/hmean:.4f}",
      undefined,
      { epoch: 2, step: 24, metrics: { "val/hmean": 0.8467 } },
    ],
    [
      "epoch=2-step=24-val/hmean=0.8467-v2.ckpt",
      "{epoch}-{step}-{val/hmean:.4f}",
      true,
      { epoch: 2, step: 24, metrics: { "val/hmean": 0.8467 }, version: 2 },
    ],
    [
      "epoch=2-validation_loss=0.12.ckpt",
      "epoch={epoch}-validation_loss={val_loss:.2f}",
      false,
      { epoch: 2, metrics: { val_loss: 0.12 } },
    ],
    ["last.ckpt", "{epoch}-{step}", true, undefined],
  ];
  test.each(cases)("%s with %s", (name, filename, autoInsertMetricName, expected) => {
    const template = autoInsertMetricName === undefined ? { filename } : { filename, autoInsertMetricName };
    expect(parseCheckpointNameWithTemplate(name, template)).toEqual(expected);
  });
});

test("checkpointNameFromPath joins the sub-dir a `/` in a metric name made", () => {
  expect(checkpointNameFromPath("/o/run/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt")).toBe(
    "epoch=2-step=24-val/hmean=0.8467.ckpt",
  );
  expect(checkpointNameFromPath("/o/run/checkpoints/epoch=2-step=24.ckpt")).toBe("epoch=2-step=24.ckpt");
  expect(checkpointNameFromPath("/o/csv_logs/version_0/checkpoints/last.ckpt")).toBe("last.ckpt");
  expect(checkpointNameFromPath("/o/multirun/lr=0.1,seed=1/epoch=2.ckpt")).toBe("epoch=2.ckpt");
});
