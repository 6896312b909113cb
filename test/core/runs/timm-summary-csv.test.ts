import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type MetricPoint, metricsAtStep } from "../../../src/core/runs/metric-series.ts";
import { parseTimmArgs, parseTimmSummaryCsv } from "../../../src/core/runs/timm-summary-csv.ts";

const RUN = join(
  import.meta.dir,
  "../../fixtures/real/timm/output/train/20261122-145342-test_efficientnet-32",
);
const summaryText = () => readFileSync(join(RUN, "summary.csv"), "utf8");
const parse = (text: string): MetricPoint[] => {
  const parsed = parseTimmSummaryCsv(text, "summary.csv");
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
};
const at = (name: string, epoch: number, value: number): MetricPoint => ({ name, step: null, epoch, value });

test("real summary.csv: epoch 1 is what checkpoint-1.pth.tar (metric 33.33) was saved at", () => {
  const points = parse(summaryText());
  expect(points).toHaveLength(3 * 5);
  expect(metricsAtStep(points, { step: null, epoch: 1 })).toEqual({
    train_loss: at("train_loss", 1, 2.2675047516822815),
    eval_loss: at("eval_loss", 1, 144.4498840967814),
    eval_top1: at("eval_top1", 1, 33.333333333333336),
    eval_top5: at("eval_top5", 1, 83.33333333333333),
    lr: at("lr", 1, 0.037500000000000006),
  });
});

test("a cut anywhere in the last line reads as the file without that line", () => {
  const text = summaryText();
  const lastLineStart = text.lastIndexOf("\n", text.length - 2) + 1;
  const withoutLast = parse(text.slice(0, lastLineStart));
  for (let cut = lastLineStart; cut < text.length; cut += 1)
    expect(parse(text.slice(0, cut))).toEqual(withoutLast);
});

test("a resumed run repeats the header; a run without eval set has no eval columns", () => {
  const text = "epoch,train_loss,lr\n0,3.4,0.05\n1,2.2,0.04\nepoch,train_loss,lr\n2,1.4,0.03\n";
  expect(parse(text)).toEqual([
    at("train_loss", 0, 3.4),
    at("lr", 0, 0.05),
    at("train_loss", 1, 2.2),
    at("lr", 1, 0.04),
    at("train_loss", 2, 1.4),
    at("lr", 2, 0.03),
  ]);
  expect(parse("")).toEqual([]);
});

test("real args.yaml reads into a plain record", () => {
  const args = parseTimmArgs(readFileSync(join(RUN, "args.yaml"), "utf8"), "args.yaml");
  if (!args.success) throw new Error(args.error.message);
  const { model, epochs, eval_metric, lr, opt, seed, decay_milestones, class_map, aa } = args.data;
  expect({ model, epochs, eval_metric, lr, opt, seed, decay_milestones, class_map, aa }).toEqual({
    model: "test_efficientnet",
    epochs: 3,
    eval_metric: "top1",
    lr: 0.05,
    opt: "sgd",
    seed: 1,
    decay_milestones: [90, 180, 270],
    class_map: "",
    aa: null,
  });
});

test("broken args.yaml is an error naming the file", () => {
  const args = parseTimmArgs("a: [1,\n", "out/args.yaml");
  expect(args.success).toBe(false);
  if (!args.success) expect(args.error.message.startsWith("out/args.yaml:")).toBe(true);
});
